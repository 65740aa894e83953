# mypy: disable-error-code="no-untyped-def"
"""Differential app: path and query parameters of every type, bodies (dataclasses, dicts,
lists, scalars, embedded), plain and custom responses, values through jsonable_encoder, the
Request object, exception handlers. Served under FastAPI and FasterAPI by
tests/py/test_diff_values.py (FRAMEWORK picks which; see framework.py)."""

import datetime
import decimal
import enum
import uuid
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, Optional

from framework import fw


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
        "client": request.client.host if request.client else None,
        "path_params": request.path_params,
        "body": (await request.body()).decode(),
    }


@app.post("/request-stream")
async def request_stream(request: fw.Request):
    chunks = [chunk async for chunk in request.stream()]
    return {"body": b"".join(chunks).decode(), "ends_empty": chunks[-1] == b""}


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
