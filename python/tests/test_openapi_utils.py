"""fasterapi.openapi.utils.get_openapi and the app's document: operations, 422s,
responses, security, caching, overriding and the routes that serve it."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from support import HostClient

from fasterapi import APIRouter, Body, Depends, FastAPI, Model, Query
from fasterapi.openapi.utils import VALIDATION_ERROR_SCHEMAS, get_openapi
from fasterapi.responses import HTMLResponse, PlainTextResponse, Response
from fasterapi.security import HTTPBearer


class Item(Model):
    name: str
    price: float = 0.0


def test_minimal_document() -> None:
    app = FastAPI()
    assert app.openapi() == {"openapi": "3.1.0",
                             "info": {"title": "FastAPI", "version": "0.1.0"}, "paths": {}}


def test_operation_fields() -> None:
    app = FastAPI(title="T", version="9", summary="S", description="D",
                  openapi_tags=[{"name": "x"}], servers=[{"url": "/api"}])

    @app.get("/items/{item_id:int}", tags=["x"], deprecated=True)
    def read_item(item_id: int, q: Annotated[str | None, Query(max_length=3)] = None) -> Item:
        """Read it.

        Details.
        \f
        Internal notes.
        """
        return Item(name="a")

    document = app.openapi()
    assert document["info"] == {"title": "T", "summary": "S", "description": "D",
                                "version": "9"}
    assert document["servers"] == [{"url": "/api"}] and document["tags"] == [{"name": "x"}]
    operation = document["paths"]["/items/{item_id}"]["get"]
    assert operation["operationId"] == "read_item_items__item_id__get"
    assert operation["summary"] == "Read Item"
    assert operation["description"] == "Read it.\n\nDetails."
    assert operation["deprecated"] is True and operation["tags"] == ["x"]
    assert operation["parameters"] == [
        {"name": "item_id", "in": "path", "required": True,
         "schema": {"type": "integer", "title": "Item Id"}},
        {"name": "q", "in": "query", "required": False,
         "schema": {"anyOf": [{"type": "string", "maxLength": 3}, {"type": "null"}],
                    "title": "Q"}},
    ]
    assert operation["responses"]["200"] == {
        "description": "Successful Response",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}}
    assert operation["responses"]["422"]["description"] == "Validation Error"
    schemas = document["components"]["schemas"]
    assert list(schemas) == sorted(schemas)
    for name, schema in VALIDATION_ERROR_SCHEMAS.items():
        assert schemas[name] == schema


def test_no_parameters_means_no_422() -> None:
    app = FastAPI()

    @app.get("/")
    def root() -> dict[str, str]:
        return {}

    responses = app.openapi()["paths"]["/"]["get"]["responses"]
    assert list(responses) == ["200"]
    assert responses["200"]["content"]["application/json"]["schema"] == {
        "additionalProperties": {"type": "string"}, "type": "object", "title": "Response Root  Get"}
    assert "components" not in app.openapi()


def test_bodies() -> None:
    app = FastAPI()

    @app.post("/one")
    def one(item: Item) -> None:
        return None

    @app.post("/two", status_code=204)
    def two(item: Item, count: Annotated[int, Body()]) -> None:
        return None

    @app.post("/form")
    def form(data: Annotated[dict[str, str],
                             Body(media_type="application/x-www-form-urlencoded")]) -> None:
        return None

    paths = app.openapi()["paths"]
    assert paths["/one"]["post"]["requestBody"] == {
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}},
        "required": True}
    two_op = paths["/two"]["post"]
    assert two_op["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Body_two_two_post"}
    assert two_op["responses"]["204"] == {"description": "Successful Response"}
    body = app.openapi()["components"]["schemas"]["Body_two_two_post"]
    assert body["required"] == ["item", "count"]
    assert list(paths["/form"]["post"]["requestBody"]["content"]) == [
        "application/x-www-form-urlencoded"]


def test_response_classes_and_additional_responses() -> None:
    app = FastAPI()

    class Message(Model):
        detail: str

    @app.get("/html", response_class=HTMLResponse,
             responses={404: {"model": Message}, "5XX": {"description": "Broken"}})
    def html() -> str:
        return ""

    @app.get("/text", response_class=PlainTextResponse)
    def text() -> str:
        return ""

    @app.get("/bare", response_class=Response)
    def bare() -> Response:
        return Response()

    paths = app.openapi()["paths"]
    responses = paths["/html"]["get"]["responses"]
    assert responses["200"]["content"] == {"text/html": {"schema": {"type": "string"}}}
    assert responses["404"] == {"description": "Not Found", "content": {
        "text/html": {"schema": {"$ref": "#/components/schemas/Message"}}}}
    assert responses["5XX"] == {"description": "Broken"}
    assert paths["/text"]["get"]["responses"]["200"]["content"] == {
        "text/plain": {"schema": {"type": "string"}}}
    assert paths["/bare"]["get"]["responses"]["200"] == {"description": "Successful Response"}


bearer = HTTPBearer(bearerFormat="JWT")


def test_security_and_routers() -> None:
    router = APIRouter(prefix="/r", tags=["r"], include_in_schema=True)

    @router.get("/a", operation_id="custom", openapi_extra={"x-rate": 5})
    def a(token: Annotated[Any, Depends(bearer)]) -> None:
        return None

    @router.get("/hidden", include_in_schema=False)
    def hidden() -> None:
        return None

    app = FastAPI()
    app.include_router(router)
    document = app.openapi()
    assert list(document["paths"]) == ["/r/a"]
    operation = document["paths"]["/r/a"]["get"]
    assert operation["operationId"] == "custom" and operation["x-rate"] == 5
    assert operation["security"] == [{"HTTPBearer": []}]
    assert document["components"]["securitySchemes"] == {
        "HTTPBearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}


def test_document_is_cached_and_can_be_replaced() -> None:
    app = FastAPI()
    first = app.openapi()
    assert app.openapi() is first and app.openapi_schema is first

    def custom() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title="Custom", version="1", routes=app.routes)
            schema["info"]["x-logo"] = {"url": "logo.png"}
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi_schema = None
    app.openapi = custom  # type: ignore[method-assign]
    served = HostClient(app).get("/openapi.json")
    assert served.status_code == 200
    assert served.json()["info"] == {"title": "Custom", "version": "1",
                                     "x-logo": {"url": "logo.png"}}


def test_served_routes_and_urls() -> None:
    app = FastAPI(title="Shop", openapi_url="/api/v1/openapi.json", redoc_url=None,
                  swagger_ui_oauth2_redirect_url=None,
                  swagger_ui_parameters={"deepLinking": False})
    client = HostClient(app)
    paths = [path for path, _, _, _ in client.table]
    assert paths == ["/api/v1/openapi.json", "/docs"]
    page = client.get("/docs").text
    assert 'url: "/api/v1/openapi.json"' in page and '"deepLinking": false' in page
    assert "oauth2RedirectUrl" not in page and "<title>Shop - Swagger UI</title>" in page
    assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "Shop"


class Event(Model):
    description: str
    paid: bool


class Received(Model):
    ok: bool


def test_webhooks_and_callbacks_are_documented_as_fastapi_does() -> None:
    # The shapes below were checked against FastAPI 0.165 for the same app.
    callback_router = APIRouter()

    @callback_router.post("{$callback_url}/invoices/{$request.body.id}",
                          response_model=Received)
    def invoice_notification(body: Event) -> None:
        return None

    app = FastAPI()

    @app.post("/invoices/", callbacks=callback_router.routes)
    def create_invoice(callback_url: str | None = None) -> dict[str, str]:
        return {"msg": "Invoice received"}

    router = APIRouter(callbacks=callback_router.routes)

    @router.get("/r")
    def routed() -> int:
        return 1

    app.include_router(router, prefix="/p")

    @app.webhooks.post("new-subscription")
    def new_subscription(body: Event) -> None:
        """When a new user subscribes."""

    document = app.openapi()
    callback = document["paths"]["/invoices/"]["post"]["callbacks"]["invoice_notification"]
    operation = callback["{$callback_url}/invoices/{$request.body.id}"]["post"]
    assert operation["operationId"] == \
        "invoice_notification__callback_url__invoices___request_body_id__post"
    assert operation["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Event"}
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Received"}
    assert "invoice_notification" in document["paths"]["/p/r"]["get"]["callbacks"]
    webhook = document["webhooks"]["new-subscription"]["post"]
    assert webhook["operationId"] == "new_subscriptionnew_subscription_post"
    assert webhook["description"] == "When a new user subscribes."
    assert {"Event", "Received"} <= set(document["components"]["schemas"])
    # Webhooks and callbacks are documentation: they never reach the served route table.
    assert [entry[0] for entry in app.route_table() if entry[0].startswith("/p")] == ["/p/r"]


def test_a_webhook_path_cannot_be_served() -> None:
    app = FastAPI()

    @app.post("new-subscription")
    def new_subscription() -> None:
        return None

    with pytest.raises(ValueError, match="must start with '/'"):
        app.route_table()


def test_generate_unique_id_function() -> None:
    app = FastAPI(generate_unique_id_function=lambda route: f"{route.tags[0]}-{route.name}")

    @app.post("/a", tags=["op"])
    def a(first: Annotated[int, Body()], second: Annotated[int, Body()]) -> None:
        return None

    operation = app.openapi()["paths"]["/a"]["post"]
    assert operation["operationId"] == "op-a"
    assert operation["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Body_op-a"}


def refuse() -> None:
    from fasterapi import HTTPException

    raise HTTPException(status_code=401, detail="no")


def test_docs_routes_come_first_without_the_apps_dependencies() -> None:
    app = FastAPI(dependencies=[Depends(refuse)], root_path="/proxy")

    @app.get("/docs")
    def mine() -> dict[str, str]:
        return {"mine": "yes"}

    client = HostClient(app)
    assert [path for path, _, _, _ in client.table] == [
        "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc", "/docs"]
    assert client.get("/openapi.json").status_code == 200
    page = client.get("/docs")
    assert page.status_code == 200 and 'url: "/proxy/openapi.json"' in page.text
    assert 'window.location.origin + "/proxy/docs/oauth2-redirect"' in page.text
    assert '<redoc spec-url="/proxy/openapi.json">' in client.get("/redoc").text
    assert app.openapi()["servers"] == [{"url": "/proxy"}]
