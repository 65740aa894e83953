# mypy: disable-error-code="no-untyped-def"
"""Differential tests: the same app under FastAPI and under FasterAPI.

Each handler below is written once against a "framework" namespace and
instantiated twice, once with `fastapi` and once with `fasterapi`. Every
case is sent to both (FastAPI through its TestClient, FasterAPI through the
host stand-in) and the status, headers (minus content-length) and body bytes
must be identical. Skipped when FastAPI is not installed.
"""

import enum
import re
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Annotated, Any, Literal, Optional

import pytest
from support import HostClient, Result, fastapi_client

fastapi = pytest.importorskip("fastapi")

import fasterapi  # noqa: E402
import fasterapi.responses  # noqa: E402


def _namespace(module: Any, responses: Any) -> SimpleNamespace:
    return SimpleNamespace(
        FastAPI=module.FastAPI, HTTPException=module.HTTPException, Request=module.Request,
        Query=module.Query, Body=module.Body, Path=module.Path,
        RequestValidationError=module.exceptions.RequestValidationError,
        Response=responses.Response, JSONResponse=responses.JSONResponse,
        HTMLResponse=responses.HTMLResponse, PlainTextResponse=responses.PlainTextResponse,
        RedirectResponse=responses.RedirectResponse,
    )


class Model(str, enum.Enum):
    alexnet = "alexnet"
    resnet = "resnet"
    lenet = "lenet"


class Level(enum.IntEnum):
    low = 1
    high = 2


@dataclass
class Owner:
    name: str
    age: int = 0


@dataclass
class Item:
    name: str
    price: float
    tags: list[str] = field(default_factory=list)
    owner: Optional[Owner] = None
    count: int = 1
    flag: bool = False


@dataclass
class Checked:
    a: int

    def __post_init__(self) -> None:
        if self.a < 0:
            raise ValueError("negative")


@dataclass
class Node:
    label: str
    children: list["Node"] = field(default_factory=list)


@dataclass
class Scalars:
    i: int = 0
    f: float = 0.0
    b: bool = False
    s: str = ""
    u: int | str = 0
    lit: Literal["a", 1] = "a"
    t: tuple[int, str] = (0, "")
    tv: tuple[int, ...] = ()
    st: set[int] = field(default_factory=set)
    e: Level = Level.low
    m: Model = Model.alexnet
    d: dict[int, str] = field(default_factory=dict)
    o: Optional[list[Optional[int]]] = None
    any_: Any = None


class Teapot(Exception):
    pass


def make_app(fw: SimpleNamespace) -> Any:
    app = fw.FastAPI(title="compat")

    @app.get("/items/{item_id}")
    def read_item(item_id: int, q: str | None = None, f: float = 1.0, b: bool = False,
                  r: int | None = None):
        return {"item_id": item_id, "q": q, "f": f, "b": b, "r": r}

    @app.get("/required")
    def required(x: int, y: Optional[int], z: str):
        return [x, y, z]

    @app.get("/untyped/{p}")
    def untyped(p, q="dflt"):
        return [p, q]

    @app.get("/files/{file_path:path}")
    def files(file_path: str):
        return {"file_path": file_path}

    @app.get("/models/{model}")
    def model(model: Model, level: Level = Level.low):
        return {"model": model, "is_alexnet": model is Model.alexnet, "level": level}

    @app.get("/literal")
    def literal(mode: Literal["fast", "slow"] = "fast"):
        return mode

    @app.get("/qlist")
    def qlist(a: list[int] = fw.Query(), s: Optional[list[str]] = fw.Query(None)):
        return {"a": a, "s": s}

    @app.get("/qlist-default")
    def qlist_default(a: list[int] = fw.Query([1, 2])):
        a.append(99)
        return a

    @app.get("/alias")
    def alias(item_query: Annotated[str, fw.Query(alias="item-query")] = "none"):
        return item_query

    @app.get("/union")
    def union(v: int | float | str = 0):
        return {"v": v, "type": type(v).__name__}

    @app.get("/bytes")
    def bytes_param(data: bytes = b""):
        return {"len": len(data)}

    @app.post("/dc")
    def dc(item: Item):
        return item

    @app.post("/dict")
    def dict_body(x: dict):  # type: ignore[type-arg]
        return x

    @app.post("/typed-dict")
    def typed_dict(x: dict[str, list[int]]):
        return x

    @app.post("/list-body")
    def list_body(items: list[int]):
        return sum(items)

    @app.post("/dc-list")
    def dc_list(items: list[Owner]):
        return items

    @app.post("/mixed/{pid}")
    def mixed(pid: int, item: Item, q: int):
        return {"pid": pid, "item": item, "q": q}

    @app.post("/two")
    def two(a: Item, b: Owner):
        return [a, b]

    @app.post("/two-optional")
    def two_optional(a: Owner, b: Optional[Owner] = None):
        return [a, b]

    @app.post("/embed")
    def embed(item: Item = fw.Body(embed=True)):
        return item

    @app.post("/optional-body")
    def optional_body(item: Optional[Owner] = None):
        return {"item": item}

    @app.post("/checked")
    def checked(c: Checked):
        return c

    @app.post("/scalars")
    def scalars(v: Scalars):
        return {"repr": repr(v)}

    @app.get("/path-marker/{n}")
    def path_marker(n: int = fw.Path()):
        return n

    @app.post("/tree")
    def tree(node: Node):
        return node

    @app.post("/created", status_code=201)
    def created(owner: Owner):
        return owner

    @app.delete("/gone", status_code=204)
    def gone():
        return {"ignored": True}

    @app.get("/html", response_class=fw.HTMLResponse)
    def html():
        return "<b>hi</b>"

    @app.get("/text", response_class=fw.PlainTextResponse)
    def text():
        return "plain é"

    @app.get("/text-int", response_class=fw.PlainTextResponse)
    def text_int():
        return 12

    @app.post("/scalar-body")
    def scalar_body(n: int = fw.Body()):
        return n

    @app.post("/scalar-embed")
    def scalar_embed(n: int = fw.Body(embed=True), s: str = fw.Body("d")):
        return [n, s]

    @app.get("/redirect")
    def redirect():
        return fw.RedirectResponse("/a b?x=ü")

    @app.get("/json-response")
    def json_response():
        return fw.JSONResponse({"k": "é", "n": [1, 2.5, None]}, status_code=202,
                               headers={"X-Extra": "1"})

    @app.get("/custom-response")
    def custom_response():
        return fw.Response("a,b", status_code=201, headers={"X-Y": "1"}, media_type="text/csv")

    @app.get("/bare-response")
    def bare_response():
        return fw.Response(b"raw")

    @app.get("/cookie")
    def cookie():
        response = fw.JSONResponse({"ok": True})
        response.set_cookie("session", "v w", max_age=10, httponly=True, samesite="strict")
        response.set_cookie("plain", "x", path="/sub", secure=True)
        return response

    @app.get("/http-error")
    def http_error():
        raise fw.HTTPException(404, detail={"k": [1]}, headers={"X-Why": "missing"})

    @app.get("/http-error-default")
    def http_error_default():
        raise fw.HTTPException(418)

    @app.get("/http-error-304")
    def http_error_304():
        raise fw.HTTPException(304, headers={"X-A": "b"})

    @app.get("/crash")
    def crash():
        raise RuntimeError("boom")

    @app.get("/nan")
    def nan():
        return {"v": float("nan")}

    @app.get("/values/{kind}")
    def values(kind: str):
        import datetime
        import decimal
        import uuid

        return {
            "str": "é ☃",
            "none": None,
            "tuple": (1, "a"),
            "set": {3},
            "dc": Owner("o", 3),
            "datetime": datetime.datetime(2024, 1, 2, 3, 4, 5, 6),
            "date": datetime.date(2024, 1, 2),
            "time": datetime.time(1, 2),
            "delta": datetime.timedelta(days=1, milliseconds=5),
            "uuid": uuid.UUID(int=7),
            "dec_int": decimal.Decimal("10"),
            "dec_frac": decimal.Decimal("1.50"),
            "enum": Model.lenet,
            "bytes": b"bin",
            "nested": {"deep": [Owner("x")]},
        }[kind]

    @app.get("/request/{p}")
    async def request_info(p: str, request: fw.Request):
        return {
            "url": str(request.url),
            "path": request.url.path,
            "query": request.url.query,
            "netloc": request.url.netloc,
            "base": str(request.base_url),
            "method": request.method,
            "last": request.query_params.get("a"),
            "all": request.query_params.getlist("a"),
            "qs": str(request.query_params),
            "qitems": list(request.query_params.items()),
            "qmulti": request.query_params.multi_items(),
            "header": request.headers.get("x-d"),
            "headers": request.headers.getlist("X-D"),
            "cookies": request.cookies,
            "client": list(request.client) if request.client else None,
            "path_params": request.path_params,
            "body": (await request.body()).decode(),
        }

    @app.post("/request-json")
    async def request_json(request: fw.Request):
        data = await request.json()
        return {"got": data}

    @app.get("/async/{n}")
    async def async_handler(n: int):
        return n * 2

    @app.get("/teapot")
    def teapot():
        raise Teapot()

    @app.exception_handler(Teapot)
    async def teapot_handler(request: Any, exc: Teapot):
        return fw.JSONResponse({"teapot": request.url.path}, status_code=418)

    @app.api_route("/multi", methods=["get", "post"])
    def multi(request: fw.Request):
        return request.method

    return app


FASTAPI_NS = _namespace(fastapi, __import__("fastapi.responses", fromlist=["x"]))
OURS_NS = _namespace(fasterapi, fasterapi.responses)

# (method, url, request kwargs)
CASES: list[tuple[str, str, dict[str, Any]]] = [
    # path and query scalars
    ("GET", "/items/abc?f=x&b=maybe&r=1.5", {}),
    ("GET", "/items/1.0", {}),
    ("GET", "/items/%203%20", {}),
    ("GET", "/items/1_000", {}),
    ("GET", "/items/+3", {}),
    ("GET", "/items/-0", {}),
    ("GET", "/items/1.", {}),
    ("GET", "/items/1e3", {}),
    ("GET", "/items/0x10", {}),
    ("GET", "/items/__1", {}),
    ("GET", "/items/" + "9" * 4301, {}),
    ("GET", "/items/%D9%A1", {}),
    ("GET", "/items/3?f=1e3&b=YES", {}),
    ("GET", "/items/3?f=.5&b=t", {}),
    ("GET", "/items/3?f=1_0.5&b=off", {}),
    ("GET", "/items/3?f=&b=", {}),
    ("GET", "/items/3?b=%20true", {}),
    ("GET", "/items/3?b=2", {}),
    ("GET", "/items/3?f=inf", {}),
    ("GET", "/items/3?q=", {}),
    ("GET", "/items/3?q=a+b%20c&q=last", {}),
    ("GET", "/items/3?r=", {}),
    ("GET", "/items/3?r=-7", {}),
    ("GET", "/required", {}),
    ("GET", "/required?x=1&y=2&z=", {}),
    ("GET", "/untyped/a%20b?q=1", {}),
    ("GET", "/untyped/x", {}),
    ("GET", "/files/a/b/c.txt", {}),
    ("GET", "/models/resnet", {}),
    ("GET", "/models/alexnet?level=2", {}),
    ("GET", "/models/foo?level=3", {}),
    ("GET", "/models/lenet?level=x", {}),
    ("GET", "/literal?mode=slow", {}),
    ("GET", "/literal?mode=medium", {}),
    ("GET", "/qlist?a=1&a=2&s=x", {}),
    ("GET", "/qlist?a=1&a=x&a=2.5", {}),
    ("GET", "/qlist", {}),
    ("GET", "/qlist-default", {}),
    ("GET", "/qlist-default", {}),
    ("GET", "/alias?item-query=found", {}),
    ("GET", "/alias?item_query=ignored", {}),
    ("GET", "/union?v=3", {}),
    ("GET", "/union?v=3.5", {}),
    ("GET", "/union?v=abc", {}),
    ("GET", "/bytes?data=abc", {}),
    # bodies
    ("POST", "/dc", {"json": {"name": "n", "price": 1, "count": True, "flag": 1.0}}),
    ("POST", "/dc", {"json": {"price": "x", "tags": "a", "owner": 3, "count": 1.5, "flag": 2}}),
    ("POST", "/dc", {"json": {"name": 1, "price": None, "tags": [1, "a"], "owner": {"age": "z"},
                              "count": "7", "flag": "yes"}}),
    ("POST", "/dc", {"json": {"name": "n", "price": "1e400", "count": 2.0}}),
    ("POST", "/dc", {"content": b'{"name": "n", "price": 1, "count": Infinity}',
                     "headers": {"content-type": "application/json"}}),
    ("POST", "/dc", {"json": [1]}),
    ("POST", "/dc", {"json": "s"}),
    ("POST", "/dc", {"content": b"{bad"}),
    ("POST", "/dc", {"content": b""}),
    ("POST", "/dc", {"content": b"{bad", "headers": {"content-type": "application/json"}}),
    ("POST", "/dc", {"content": b"   ", "headers": {"content-type": "application/json"}}),
    ("POST", "/dc", {"content": b'{"name":"a","price":1} x',
                     "headers": {"content-type": "application/json"}}),
    ("POST", "/dc", {"content": b"\xff\xfe\x00", "headers": {"content-type": "application/json"}}),
    ("POST", "/dc", {"content": b'{"name":"a","price":1}',
                     "headers": {"content-type": "application/vnd.api+json; charset=x"}}),
    ("POST", "/dc", {"content": b'{"name":"a","price":1}',
                     "headers": {"content-type": "APPLICATION/JSON"}}),
    ("POST", "/dc", {"content": b'{"name":"a","price":1}',
                     "headers": {"content-type": "text/json"}}),
    ("POST", "/dc", {"content": b'{"name":"a","price":NaN}',
                     "headers": {"content-type": "application/json"}}),
    ("POST", "/dc", {"content": b"null", "headers": {"content-type": "application/json"}}),
    ("POST", "/dict", {"json": {"a": [1, {"b": None}]}}),
    ("POST", "/dict", {"json": [1]}),
    ("POST", "/dict", {"content": b""}),
    ("POST", "/dict", {"content": b"[1,", "headers": {"content-type": "application/json"}}),
    ("POST", "/dict", {"content": b"abc", "headers": {"content-type": "text/plain"}}),
    ("POST", "/dict", {"content": b"null", "headers": {"content-type": "application/json"}}),
    ("POST", "/typed-dict", {"json": {"k": [1, "2"], "j": 3, "m": ["x"]}}),
    ("POST", "/typed-dict", {"json": {"k": [1, "2"]}}),
    ("POST", "/list-body", {"json": [1, "2", 3.0]}),
    ("POST", "/list-body", {"json": [1, "x", 2.5, None, True]}),
    ("POST", "/list-body", {"json": {"a": 1}}),
    ("POST", "/dc-list", {"json": [{"name": "a"}, {}, 3]}),
    ("POST", "/dc-list", {"json": {}}),
    ("POST", "/mixed/x", {"content": b"{bad"}),
    ("POST", "/mixed/x", {"json": {}}),
    ("POST", "/mixed/x?q=z", {"content": b"{bad", "headers": {"content-type": "application/json"}}),
    ("POST", "/mixed/5?q=2", {"json": {"name": "a", "price": 2}}),
    ("POST", "/two", {"json": {"a": {"name": "x", "price": 1}, "b": {"name": "o"}}}),
    ("POST", "/two", {"json": {"a": {"name": "x"}}}),
    ("POST", "/two", {"json": []}),
    ("POST", "/two", {"content": b""}),
    ("POST", "/two", {"content": b"null", "headers": {"content-type": "application/json"}}),
    ("POST", "/two", {"json": {"a": None, "b": {"name": "o"}}}),
    ("POST", "/two-optional", {"json": {"a": {"name": "x"}}}),
    ("POST", "/two-optional", {"json": {"a": {"name": "x"}, "b": None}}),
    ("POST", "/two-optional", {"json": "x"}),
    ("POST", "/embed", {"json": {"item": {"name": "x", "price": 2}}}),
    ("POST", "/embed", {"json": {"name": "x", "price": 2}}),
    ("POST", "/optional-body", {}),
    ("POST", "/optional-body", {"json": {"name": "n"}}),
    ("POST", "/optional-body", {"content": b"null",
                                "headers": {"content-type": "application/json"}}),
    ("POST", "/optional-body", {"json": 5}),
    ("POST", "/checked", {"json": {"a": "3"}}),
    ("POST", "/checked", {"json": {"a": -1}}),
    ("POST", "/tree", {"json": {"label": "r", "children": [{"label": "c", "children": [{}]}]}}),
    ("POST", "/scalars", {"json": {}}),
    ("POST", "/scalars", {"json": {"i": "12", "f": True, "b": "on", "s": "x", "u": "7",
                                   "lit": 1, "t": [1, "a"], "tv": ["1", 2], "st": [1, 1, "2"],
                                   "e": "2", "m": "resnet", "d": {"1": "a"}, "o": [None, "3"],
                                   "any_": {"k": [1]}}}),
    ("POST", "/scalars", {"json": {"i": 10**30, "f": 10, "b": 0, "u": 1.5, "lit": "1",
                                   "t": [1], "tv": "x", "st": "x", "e": 3, "m": "RESNET",
                                   "d": {"x": 1}, "o": ["x"]}}),
    ("POST", "/scalars", {"json": {"i": None, "f": None, "b": None, "s": None, "u": None,
                                   "lit": None, "t": None, "tv": None, "st": None, "e": None,
                                   "m": None, "d": None, "o": "x"}}),
    ("POST", "/scalars", {"json": {"i": [], "f": {}, "b": 0.5, "s": 3, "u": [], "t": [1, "a", 2],
                                   "e": 1.0, "m": 1, "d": [], "o": 5}}),
    ("POST", "/scalars", {"json": {"i": "1.000", "f": "-Infinity", "b": "FALSE", "s": "",
                                   "u": True, "t": ["1", "b"], "e": True}}),
    ("GET", "/path-marker/5", {}),
    ("GET", "/path-marker/x", {}),
    ("POST", "/tree", {"json": {"label": "r", "children": [{"label": "c"}]}}),
    # responses
    ("POST", "/created", {"json": {"name": "n"}}),
    ("DELETE", "/gone", {}),
    ("GET", "/html", {}),
    ("GET", "/text", {}),
    ("GET", "/redirect", {}),
    ("GET", "/text-int", {}),
    ("POST", "/scalar-body", {"json": 5}),
    ("POST", "/scalar-body", {"json": "6"}),
    ("POST", "/scalar-body", {"json": {"n": 5}}),
    ("POST", "/scalar-body", {}),
    ("POST", "/scalar-embed", {"json": {"n": "5"}}),
    ("POST", "/scalar-embed", {"json": 5}),
    ("POST", "/scalar-embed", {"json": {"n": 1, "s": None}}),
    ("GET", "/json-response", {}),
    ("GET", "/custom-response", {}),
    ("GET", "/bare-response", {}),
    ("GET", "/cookie", {}),
    ("GET", "/http-error", {}),
    ("GET", "/http-error-default", {}),
    ("GET", "/http-error-304", {}),
    ("GET", "/crash", {}),
    ("GET", "/nan", {}),
    *[("GET", f"/values/{kind}", {}) for kind in (
        "str", "none", "tuple", "set", "dc", "datetime", "date", "time", "delta", "uuid",
        "dec_int", "dec_frac", "enum", "bytes", "nested")],
    # request object, async, exception handlers
    ("GET", "/request/a%C3%A9%20c?a=1&a=2&b=%20x+y&c",
     {"headers": [("x-d", "1"), ("X-D", "2"),
                  ("cookie", 'a=1; b="x y"; c=; d; e=f=g; q="\\101"')]}),
    ("POST", "/request-json", {"json": {"k": [1]}}),
    ("GET", "/async/21", {}),
    ("GET", "/async/x", {}),
    ("GET", "/teapot", {}),
    ("GET", "/multi", {}),
    ("POST", "/multi", {}),
]


@pytest.fixture(scope="module")
def clients() -> tuple[Any, HostClient]:
    import logging

    # The crash cases log tracebacks on purpose; keep the test output readable.
    logging.getLogger("fasterapi.error").disabled = True
    return fastapi_client(make_app(FASTAPI_NS)), HostClient(make_app(OURS_NS))


_DATE = re.compile(r"expires=[^;]+")


def _normalize(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(k.lower(), _DATE.sub("expires=<date>", v)) for k, v in headers
            if k.lower() != "content-length"]


def _ours(host: HostClient, method: str, url: str, kwargs: dict[str, Any]) -> Result:
    try:
        return host.request(method, url, **kwargs)
    except ValueError:
        # The host turns a value its JSON encoder refuses (NaN) into a plain 500.
        return Result(500, [("content-type", "text/plain; charset=utf-8")],
                      b"Internal Server Error", plain=False)


@pytest.mark.parametrize(("method", "url", "kwargs"), CASES,
                         ids=[f"{m} {u[:60]} {i}" for i, (m, u, _) in enumerate(CASES)])
def test_same_response_as_fastapi(clients: tuple[Any, HostClient], method: str, url: str,
                                  kwargs: dict[str, Any]) -> None:
    reference, host = clients
    expected = reference.request(method, url, follow_redirects=False, **kwargs)
    got = _ours(host, method, url, kwargs)
    assert (got.status_code, got.content) == (expected.status_code, expected.content)
    assert _normalize(got.headers) == _normalize(list(expected.headers.multi_items()))


def test_route_table_lists_every_route() -> None:
    app = make_app(OURS_NS)
    table = app.route_table()
    # The OpenAPI document and docs pages come first, as in FastAPI.
    assert [row[0] for row in table[:4]] == ["/openapi.json", "/docs", "/docs/oauth2-redirect",
                                             "/redoc"]
    assert table[4] == ("/items/{item_id}", ("GET", "HEAD"), 200, "read_item")
    assert ("/files/{file_path:path}", ("GET", "HEAD"), 200, "files") in table
    assert ("/created", ("POST",), 201, "created") in table
    assert ("/gone", ("DELETE",), 204, "gone") in table
    assert ("/multi", ("GET", "POST", "HEAD"), 200, "multi") in table
