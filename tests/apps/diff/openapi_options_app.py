# mypy: disable-error-code="no-untyped-def"
"""OpenAPI differential app: app-wide responses, router dependencies, include_router options, dataclass fields with Field. Served under FastAPI and FasterAPI by
tests/py/test_diff_openapi.py."""

from dataclasses import dataclass
from typing import Annotated, Optional

from framework import fw
from openapi_models import m


@dataclass
class Order:
    qty: int = fw.Field(1, gt=0, description="How many")
    note: Optional[str] = None

app = fw.FastAPI(responses={500: {"description": "Oops", "model": m.Message}})
key = fw.security.APIKeyHeader(name="X-Key")
router = fw.APIRouter(dependencies=[fw.Security(key)])


@router.post("/orders", responses={201: {"description": "Made"}})
def order(o: Order, x_id: Annotated[Optional[str], fw.Header(alias="X-Request-ID")] = None
          ) -> Order:
    return o


@router.get("/plain")
def plain():
    return {}

app.include_router(router, prefix="/shop", tags=["shop"], deprecated=True,
                   responses={404: {"description": "Nope"}})
