"""OpenAPI differential app: callbacks (on a route, a router, include_router and the app)
and app.webhooks. Served under FastAPI and FasterAPI by tests/py/test_diff_openapi.py."""

from framework import fw


class Invoice(fw.Model):
    id: str
    title: str | None = None
    total: float


class InvoiceEvent(fw.Model):
    description: str
    paid: bool


class InvoiceEventReceived(fw.Model):
    ok: bool


class Subscription(fw.Model):
    username: str
    monthly_fee: float


callbacks = fw.APIRouter()


@callbacks.post("{$callback_url}/invoices/{$request.body.id}",
                response_model=InvoiceEventReceived)
def invoice_notification(body: InvoiceEvent) -> None:
    pass


audit = fw.APIRouter()


@audit.put("{$request.query.audit_url}", status_code=204, summary="Audit trail")
def audit_entry(entry: dict[str, str]) -> None:
    pass


app = fw.FastAPI(callbacks=audit.routes)


@app.post("/invoices/", callbacks=callbacks.routes)
def create_invoice(invoice: Invoice, callback_url: str | None = None) -> dict[str, str]:
    """Create an invoice; its payment is reported to `callback_url`."""
    return {"msg": f"Invoice {invoice.id} received"}


router = fw.APIRouter(callbacks=callbacks.routes)


@router.get("/status")
def status() -> dict[str, bool]:
    return {"up": True}


app.include_router(router, prefix="/v1", callbacks=audit.routes)


@app.webhooks.post("new-subscription")
def new_subscription(body: Subscription) -> None:
    """When a new user subscribes, we send this request to the URL they gave."""


@app.webhooks.delete("subscription-ended", tags=["billing"])
def subscription_ended(username: str) -> None:
    pass
