# mypy: disable-error-code="no-untyped-def"
"""Differential test of the OpenAPI document: one app, built with FastAPI and with FasterAPI.

The app below is written once against a "framework" namespace (FastAPI + pydantic models, or
FasterAPI + fasterapi.Model) and `app.openapi()` of both must be the same dict, except for
the differences listed in DEVIATIONS, each with its reason. Skipped when FastAPI is not
installed.
"""

import datetime
import decimal
import enum
import uuid
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Annotated, Any, Literal, Optional, TypedDict

import pytest

fastapi = pytest.importorskip("fastapi")
pydantic = pytest.importorskip("pydantic")

import fasterapi  # noqa: E402
import fasterapi.responses  # noqa: E402
import fasterapi.security  # noqa: E402

# Differences kept on purpose: (JSON pointer into the document, reason). Deliberate
# differences outside the document (README, "OpenAPI and docs"): the docs routes join
# app.routes when the server asks for the route table, not in the constructor; the /docs,
# /redoc and OAuth2 redirect pages are not byte-identical
# (test_served_documents_and_pages_match_fastapi compares their status and content type).
DEVIATIONS: list[tuple[str, str]] = [
    # FastAPI names a multi-method route's operationId after whichever method its `methods`
    # set yields first (hash order, so it can change between runs); FasterAPI takes the
    # first method as declared, for both operations.
    ("/paths/~1multi/get/operationId", "first declared method, not set order"),
    ("/paths/~1multi/post/operationId", "first declared method, not set order"),
]


class Color(str, enum.Enum):
    red = "red"
    blue = "blue"


class Level(enum.IntEnum):
    """How loud."""

    low = 1
    high = 2


@dataclass
class Owner:
    name: str
    age: int = 0
    tags: list[str] = field(default_factory=list)


@dataclass
class Pet:
    """A pet."""

    kind: Literal["cat", "dog"]
    owner: Optional[Owner] = None


class Stats(TypedDict):
    count: int
    mean: float


def make_models(fw: SimpleNamespace) -> SimpleNamespace:
    Base, Field = fw.BaseModel, fw.Field

    class Image(Base):
        url: str = Field(pattern="^https?://")
        width: int = Field(gt=0, le=10000)

    class Item(Base):
        """An item for sale."""

        name: str = Field(min_length=1, max_length=50, description="Shown to buyers")
        price: decimal.Decimal
        tax: Optional[float] = None
        tags: set[str] = set()  # noqa: RUF012 - a model field default
        images: list[Image] = []  # noqa: RUF012
        color: Color = Color.red
        level: Optional[Level] = None
        created: datetime.datetime
        day: datetime.date = datetime.date(2024, 1, 2)
        uid: uuid.UUID
        attrs: dict[str, int] = {}  # noqa: RUF012
        pair: tuple[int, str] = (1, "a")
        anything: Any = None
        sku: str = Field("x", alias="SKU", examples=["A-1"])
        kind: Literal["new", "used"] = "new"

    class Message(Base):
        detail: str

    class User(Base):
        username: str
        email: Optional[str] = None
        full_name: Annotated[Optional[str], Field(title="Full name")] = None

    return SimpleNamespace(Image=Image, Item=Item, Message=Message, User=User)


def make_app(fw: SimpleNamespace) -> Any:
    m = make_models(fw)
    app = fw.FastAPI(
        title="Shop", version="1.2.3", summary="A shop", description="Sells **things**.",
        openapi_tags=[{"name": "items", "description": "Items for sale"}],
        servers=[{"url": "https://shop.example", "description": "production"}],
        contact={"name": "Ops", "email": "ops@shop.example"},
        license_info={"name": "MIT"}, terms_of_service="https://shop.example/tos",
    )
    oauth2 = fw.security.OAuth2PasswordBearer(
        tokenUrl="token", scopes={"items:write": "Change items", "me": "Read me"})
    bearer = fw.security.HTTPBearer(description="A JWT")
    basic = fw.security.HTTPBasic()
    api_key = fw.security.APIKeyHeader(name="X-API-Key", auto_error=False)

    def current_user(token: Annotated[str, fw.Depends(oauth2)]):
        return token

    def pagination(skip: int = 0, limit: Annotated[int, fw.Query(le=100)] = 10):
        return skip, limit

    @app.get("/items/{item_id}", tags=["items"], response_model=m.Item,
             responses={404: {"model": m.Message, "description": "Not there"}})
    def read_item(
        item_id: Annotated[int, fw.Path(ge=1, title="The item", description="Its id")],
        q: Annotated[Optional[str], fw.Query(max_length=20, deprecated=True)] = None,
        color: Color = Color.blue,
        ids: Annotated[list[int], fw.Query()] = [],  # noqa: B006
        user_agent: Annotated[Optional[str], fw.Header()] = None,
        session: Annotated[Optional[str], fw.Cookie()] = None,
    ):
        """Read one item.

        It must exist.
        \f
        Not for the docs.
        """
        return {}

    @app.post("/items", tags=["items"], status_code=201, summary="Create an item",
              response_description="The new item")
    def create_item(item: m.Item, user: Annotated[str, fw.Security(current_user,
                                                                   scopes=["items:write"])]
                    ) -> m.Item:
        return item

    @app.put("/items/{item_id}", tags=["items"], deprecated=True, operation_id="replace")
    def replace_item(item_id: int, item: m.Item, owner: Owner,
                     importance: Annotated[int, fw.Body(gt=0)] = 1) -> dict[str, Any]:
        return {}

    @app.delete("/items/{item_id}", status_code=204, tags=["items"])
    def delete_item(item_id: int, token=fw.Depends(bearer)):
        return None

    @app.post("/pets", response_model=list[Pet])
    def add_pet(pet: Annotated[Pet, fw.Body(embed=True)], paging=fw.Depends(pagination)):
        return [pet]

    @app.get("/stats")
    def stats(credentials=fw.Depends(basic)) -> Stats:
        return {"count": 0, "mean": 0.0}

    @app.get("/me", response_model=m.User)
    def me(key: Annotated[Optional[str], fw.Depends(api_key)]):
        return {}

    @app.get("/page", response_class=fw.responses.HTMLResponse)
    def page():
        return "<p>hi</p>"

    @app.get("/text", response_class=fw.responses.PlainTextResponse)
    def text():
        return "hi"

    @app.get("/hidden", include_in_schema=False)
    def hidden():
        return {}

    @app.api_route("/multi", methods=["GET", "POST"])
    def multi():
        return {}

    @app.get("/when/{day}")
    def when(day: datetime.date, at: Optional[datetime.time] = None,
             span: datetime.timedelta = datetime.timedelta(hours=1),
             ratio: Annotated[float, fw.Query(gt=0, lt=1, multiple_of=0.25)] = 0.5,
             mode: Literal["a", "b"] = "a") -> list[datetime.datetime]:
        return []

    @app.post("/raw")
    def raw(payload: dict[str, Any], strict: bool = False) -> int:
        return 1

    router = fw.APIRouter(prefix="/admin", tags=["admin"],
                          responses={418: {"description": "Teapot"}})

    @router.get("/users/{username}", responses={"4XX": {"model": m.Message}})
    def admin_user(username: str) -> m.User:
        return {}

    app.include_router(router, prefix="/v1", dependencies=[fw.Depends(current_user)])
    return app


def _namespace(module: Any, base: Any, field_fn: Any, responses: Any, security: Any
               ) -> SimpleNamespace:
    return SimpleNamespace(
        FastAPI=module.FastAPI, APIRouter=module.APIRouter, Query=module.Query,
        Path=module.Path, Header=module.Header, Cookie=module.Cookie, Body=module.Body,
        Depends=module.Depends, Security=module.Security, BaseModel=base, Field=field_fn,
        responses=responses, security=security)


def _fastapi_ns() -> SimpleNamespace:
    import fastapi.responses
    import fastapi.security

    return _namespace(fastapi, pydantic.BaseModel, pydantic.Field, fastapi.responses,
                      fastapi.security)


OURS = _namespace(fasterapi, fasterapi.Model, fasterapi.Field, fasterapi.responses,
                  fasterapi.security)


def _pointer(path: list[str]) -> str:
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in path)


def differences(expected: Any, actual: Any, path: list[str] | None = None) -> list[str]:
    """JSON pointers where the documents differ (numbers compare by value)."""
    path = path or []
    if isinstance(expected, dict) and isinstance(actual, dict):
        found = []
        for key in expected.keys() | actual.keys():
            if key not in actual or key not in expected:
                found.append(_pointer([*path, key]))
            else:
                found += differences(expected[key], actual[key], [*path, key])
        return found
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(
            actual):
        found = []
        for index, (a, b) in enumerate(zip(expected, actual, strict=True)):
            found += differences(a, b, [*path, str(index)])
        return found
    if type(expected) is not type(actual) and not (
            isinstance(expected, (int, float)) and isinstance(actual, (int, float))
            and not isinstance(expected, bool) and not isinstance(actual, bool)):
        return [_pointer(path)]
    return [] if expected == actual else [_pointer(path)]


def test_document_matches_fastapi() -> None:
    expected = make_app(_fastapi_ns()).openapi()
    actual = make_app(OURS).openapi()
    allowed = {pointer for pointer, _ in DEVIATIONS}
    unexpected = [p for p in differences(expected, actual) if p not in allowed]
    details = [(p, _get(expected, p), _get(actual, p)) for p in unexpected]
    assert not unexpected, "\n".join(f"{p}: FastAPI {e!r} / FasterAPI {a!r}"
                                     for p, e, a in details)


def test_separate_input_output_schemas_off_matches_fastapi() -> None:
    def build(fw: SimpleNamespace) -> Any:
        m = make_models(fw)
        app = fw.FastAPI(separate_input_output_schemas=False)

        @app.post("/items")
        def create(item: m.Item) -> m.Item:
            return item

        return app

    expected = build(_fastapi_ns()).openapi()
    actual = build(OURS).openapi()
    assert differences(expected, actual) == []


def _get(document: Any, pointer: str) -> Any:
    current = document
    for part in pointer.split("/")[1:]:
        key = part.replace("~1", "/").replace("~0", "~")
        if isinstance(current, dict):
            if key not in current:
                return "<absent>"
            current = current[key]
        elif isinstance(current, list):
            current = current[int(key)]
    return current


@dataclass
class Node:
    label: str
    children: list["Node"] = field(default_factory=list)


class Payload(TypedDict):
    a: int
    b: list[str]


def make_edge_app(fw: SimpleNamespace) -> Any:
    Base, Field = fw.BaseModel, fw.Field

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
    return app


def test_edge_cases_match_fastapi() -> None:
    expected = make_edge_app(_fastapi_ns()).openapi()
    actual = make_edge_app(OURS).openapi()
    allowed = {pointer for pointer, _ in DEVIATIONS}
    unexpected = [p for p in differences(expected, actual) if p not in allowed]
    details = [(p, _get(expected, p), _get(actual, p)) for p in unexpected]
    assert not unexpected, "\n".join(f"{p}: FastAPI {e!r} / FasterAPI {a!r}"
                                     for p, e, a in details)


def make_misc_app(fw: SimpleNamespace) -> Any:
    oauth2 = fw.security.OAuth2PasswordBearer(tokenUrl="/auth/token",
                                               scopes={"a": "A", "b": "B"},
                                               scheme_name="Login", description="Log in")
    cookie_key = fw.security.APIKeyCookie(name="session")
    query_key = fw.security.APIKeyQuery(name="key", scheme_name="QueryKey")
    app = fw.FastAPI(openapi_url="/api/schema.json", docs_url=None, redoc_url=None)

    @app.post("/form", status_code=201, responses={201: {"description": "Made"},
                                                   409: {"description": "Clash"}})
    def form(data: Annotated[dict[str, str],
                             fw.Body(media_type="application/x-www-form-urlencoded")]):
        return {}

    @app.get("/secure", dependencies=[fw.Security(oauth2, scopes=["a"])])
    def secure(other: Annotated[str, fw.Security(oauth2, scopes=["b"])],
               c: Annotated[str, fw.Depends(cookie_key)], k=fw.Depends(query_key)):
        return {}

    @app.get("/headers")
    def headers(x_tag: Annotated[list[str], fw.Header()] = [],  # noqa: B006
                when: Annotated[Optional[datetime.datetime], fw.Header()] = None,
                ident: Annotated[Optional[uuid.UUID], fw.Query()] = None,
                price: Annotated[decimal.Decimal, fw.Query(ge=0)] = decimal.Decimal("2")):
        return {}

    @app.get("/same")
    def same_get() -> str:
        return ""

    @app.delete("/same", summary="Remove", description="Removes it")
    def same_delete() -> bool:
        return True

    inner = fw.APIRouter(prefix="/inner", tags=["inner"])
    outer = fw.APIRouter(prefix="/outer", tags=["outer"],
                         responses={503: {"description": "Busy"}})

    @inner.get("/{name:path}")
    def deep(name: str) -> dict[str, str]:
        return {"name": name}

    outer.include_router(inner)
    app.include_router(outer)
    return app


def test_security_headers_and_routers_match_fastapi() -> None:
    expected = make_misc_app(_fastapi_ns()).openapi()
    actual = make_misc_app(OURS).openapi()
    assert differences(expected, actual) == []


@pytest.mark.parametrize("path", ["/openapi.json", "/docs", "/redoc", "/docs/oauth2-redirect"])
def test_served_documents_and_pages_match_fastapi(path: str) -> None:
    from support import HostClient, fastapi_client

    theirs = fastapi_client(make_app(_fastapi_ns())).get(path)
    ours = HostClient(make_app(OURS)).get(path)
    assert ours.status_code == theirs.status_code == 200
    assert ours.header("content-type") == theirs.headers["content-type"]
    if path == "/openapi.json":
        allowed = {pointer for pointer, _ in DEVIATIONS}
        assert [p for p in differences(theirs.json(), ours.json()) if p not in allowed] == []
    else:
        # The pages are written independently: the same assets and document URL, not the
        # same bytes (a deliberate deviation; see fasterapi.openapi.docs).
        assert path.endswith("redirect") or "/openapi.json" in ours.text


def test_disabled_document_has_no_routes_like_fastapi() -> None:
    from support import HostClient

    def build(fw: SimpleNamespace) -> Any:
        app = fw.FastAPI(openapi_url=None)

        @app.get("/")
        def root():
            return {}

        return app

    theirs = {route.path for route in build(_fastapi_ns()).routes}
    ours = {path for path, _, _, _ in HostClient(build(OURS)).table}
    assert ours == theirs == {"/"}


def test_pydantic_models_match_fastapi() -> None:
    """pydantic models (served in shared mode) get pydantic's own schemas, under our names."""
    ours_with_pydantic = _namespace(fasterapi, pydantic.BaseModel, pydantic.Field,
                                    fasterapi.responses, fasterapi.security)

    def build(fw: SimpleNamespace) -> Any:
        m = make_models(fw)
        app = fw.FastAPI()

        @app.post("/items")
        def create(item: m.Item, user: m.User) -> m.Item:
            return item

        @app.get("/users")
        def users(owner: Annotated[Optional[str], fw.Query()] = None) -> list[m.User]:
            return []

        return app

    expected = build(_fastapi_ns()).openapi()
    actual = build(ours_with_pydantic).openapi()
    assert differences(expected, actual) == []


class Kind(enum.Enum):
    A = "a"
    B = 2


def make_shapes_app(fw: SimpleNamespace) -> Any:
    m = make_models(fw)
    app = fw.FastAPI()

    @app.get("/u", response_model=m.User | m.Message)
    def u(x: Annotated[int, fw.Query(openapi_examples={"one": {"summary": "One",
                                                                "value": 1}})] = 0,
          y: Annotated[Optional[list[str]], fw.Query()] = None,
          k: Kind = Kind.A,
          f: Annotated[float, fw.Query(examples=[1.5])] = 1.0,
          anything=None):
        return {}

    @app.post("/b", status_code=200, response_model=dict[str, list[m.Message]])
    def b(body: Annotated[m.Message, fw.Body(examples=[{"detail": "x"}])]):
        return {}

    @app.put("/c")
    def c(items: list[m.Message],
          tag: Annotated[str, fw.Body(embed=True)] = "t") -> Optional[m.Message]:
        return None

    @app.get("/d", response_model=m.User, response_model_exclude_none=True, summary="D!",
             response_description="A user")
    async def d():
        return {}

    @app.get("/e/{ident}")
    def e(ident: Annotated[str, fw.Path(min_length=2, pattern="^x")],
          q: Annotated[Optional[int], fw.Query(ge=0, le=9)] = 3):
        return {}

    return app


def test_response_shapes_and_parameter_docs_match_fastapi() -> None:
    expected = make_shapes_app(_fastapi_ns()).openapi()
    actual = make_shapes_app(OURS).openapi()
    assert differences(expected, actual) == []


def make_router_options_app(fw: SimpleNamespace) -> Any:
    m = make_models(fw)

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
    return app


def test_router_options_and_dataclass_fields_match_fastapi() -> None:
    expected = make_router_options_app(_fastapi_ns()).openapi()
    actual = make_router_options_app(OURS).openapi()
    assert differences(expected, actual) == []
