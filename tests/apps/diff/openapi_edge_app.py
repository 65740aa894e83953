# mypy: disable-error-code="no-untyped-def"
"""OpenAPI differential app: generate_unique_id_function, recursive dataclasses, TypedDicts, extra=forbid, response dicts, openapi_extra, hidden parameters, deprecated routers. Served under FastAPI and FasterAPI by
tests/py/test_diff_openapi.py."""

import decimal
from typing import Annotated, Any, Literal, Optional

from framework import fw
from openapi_models import Level, Node, Payload
from shapes import Color

Base, Field = fw.Model, fw.Field


class Strict(Base):
    model_config = {"extra": "forbid"}  # noqa: RUF012

    code: Annotated[str, Field(max_length=3)]
    amount: decimal.Decimal = decimal.Decimal("1.5")


class Wrapper(Base):
    strict: Strict
    items: dict[str, Strict] = {}  # noqa: RUF012


def custom_id(route: Any) -> str:
    return f"{route.name}-custom"

app = fw.FastAPI(generate_unique_id_function=custom_id)


@app.post("/tree")
def tree(node: Node) -> Node:
    return node


@app.post("/typed")
def typed(payload: Payload) -> Payload:
    return payload


@app.post("/wrapped", response_model=Wrapper,
          responses={"default": {"description": "Anything else"},
                     500: {"content": {"text/plain": {"schema": {"type": "string"}}}}})
def wrapped(w: Wrapper, strict: Strict):
    return w


@app.get("/query-docs", openapi_extra={"x-internal": True},
         response_model=None)
def query_docs(
    n: Annotated[int, fw.Query(default_factory=lambda: 3)],
    q: Annotated[str, fw.Query(alias="item-query", title="Query", min_length=2,
                               examples=["ab"], description="Search text")] = "zz",
    hidden: Annotated[Optional[int], fw.Query(include_in_schema=False)] = None,
    raw_header: Annotated[Optional[str], fw.Header(convert_underscores=False)] = None,
    mixed: Literal["a", 1] = "a",
    flag: bool = True,
    ratio: float = 0.5,
):
    return {}


@app.get("/enum/{color}", tags=[Color.red])
def enum_path(color: Color, levels: Annotated[list[Level], fw.Query()] = ()):
    return {}


@app.post("/optional-body")
def optional_body(item: Optional[Strict] = None):
    return {}


@app.patch("/many", status_code=202)
def many(a: Annotated[int, fw.Body()], b: Annotated[list[int], fw.Body()],
         c: Annotated[Optional[Node], fw.Body()] = None) -> list[int]:
    return []

router = fw.APIRouter(deprecated=True, include_in_schema=True)


@router.get("/old", status_code=204)
def old() -> None:
    return None


@router.get("/gone", include_in_schema=False)
def gone():
    return {}

app.include_router(router, prefix="/legacy", tags=["legacy"])
