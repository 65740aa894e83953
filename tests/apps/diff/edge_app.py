# mypy: disable-error-code="no-untyped-def"
"""Differential app: generator dependencies that swallow, replace or fail in their cleanup,
dependencies taking the Request, callable instances and bodies; dependency_overrides; nested
models, unions, list queries, response models with status codes. Served under FastAPI and
FasterAPI by tests/py/test_diff_edge.py."""

from typing import Annotated, Optional, Union

from framework import fw
from shapes import Color, Point

log: list[str] = []


class Item(fw.Model):
    name: str
    price: float = 0


class Catalog(fw.Model):
    by_name: dict[str, Item] = {}  # noqa: RUF012
    featured: Optional[Item] = None
    point: Optional[Point] = None



app = fw.FastAPI()


def swallow():
    try:
        yield "s"
    except Exception:  # noqa: BLE001 - swallowing the handler's error is what it tests
        log.append("swallowed")


def replace():
    try:
        yield "r"
    except fw.HTTPException:
        raise fw.HTTPException(status_code=503, detail="replaced") from None


def broken_cleanup():
    yield "b"
    log.append("cleanup fails")
    raise RuntimeError("cleanup")


def crashing():
    raise RuntimeError("dep crash")


def with_request(request: fw.Request, x: int = 0):
    return f"{request.method} {request.url.path} {x}"


class Multiplier:
    def __init__(self, factor: int) -> None:
        self.factor = factor

    def __call__(self, value: int = 1) -> int:
        return value * self.factor


def body_dep(note: str = fw.Body()):
    return note.upper()


@app.get("/swallow")
def use_swallow(s: str = fw.Depends(swallow), fail: int = 0):
    if fail:
        raise fw.HTTPException(status_code=400, detail="x")
    return s


@app.get("/replace")
def use_replace(r: str = fw.Depends(replace)):
    raise fw.HTTPException(status_code=400, detail="original")


@app.get("/broken-cleanup")
def use_broken(b: str = fw.Depends(broken_cleanup)):
    return b


@app.get("/crashing")
def use_crashing(c: str = fw.Depends(crashing)):
    return c


@app.get("/log")
def read_log():
    copy = list(log)
    log.clear()
    return copy


@app.get("/with-request/{p}")
def use_with_request(info: str = fw.Depends(with_request)):
    return info


@app.get("/multiplier")
def use_multiplier(v: int = fw.Depends(Multiplier(3))):
    return v


@app.post("/body-dep")
def use_body_dep(note: str = fw.Depends(body_dep), item: Optional[Item] = None):
    return {"note": note, "item": item}


@app.post("/catalog")
def catalog(c: Catalog):
    return c


@app.post("/union-body")
def union_body(x: Union[Item, Point]):
    return {"type": type(x).__name__, "x": x}


@app.get("/enum-list")
def enum_list(colors: Annotated[list[Color], fw.Query()] = []):  # noqa: B006
    return colors


@app.get("/opt-list")
def opt_list(ids: Annotated[Optional[list[int]], fw.Query(max_length=2)] = None):
    return ids


@app.get("/str-path/{code}")
def str_path(code: Annotated[str, fw.Path(min_length=2, max_length=3,
                                          pattern=r"^[A-Z]+$")]):
    return code


@app.get("/raw-header")
def raw_header(x_raw_name: str = fw.Header(convert_underscores=False)):
    return x_raw_name


@app.get("/no-rm", response_model=None)
def no_rm() -> Item:
    return {"name": "x", "extra": 1}  # type: ignore[return-value]


@app.post("/rm-status", response_model=Item, status_code=201)
def rm_status(response: fw.Response, item: Item, teapot: bool = False):
    if teapot:
        response.status_code = 418
    return item


@app.get("/rm-async", response_model=list[Item])
async def rm_async(response: fw.Response):
    response.headers["X-Async"] = "1"
    return [{"name": "a", "price": "1.5"}, Item(name="b")]


@app.get("/rm-dataclass-list", response_model=list[Point])
def rm_dataclass_list():
    return [Point(1, 2), {"x": "3"}]


@app.get("/text-rm", response_class=fw.PlainTextResponse, response_model=str)
def text_rm():
    return "hello"


@app.post("/scalar-bodies")
def scalar_bodies(a: int = fw.Body(gt=0), b: Annotated[str, fw.Body(min_length=2)] = "zz"):
    return [a, b]


@app.get("/model-in-dict")
def model_in_dict():
    return {"items": [Item(name="i", price=1.25)], "cat": Catalog()}


# dependency_overrides set by the app itself: the override's own parameters are what the
# route validates.
def real_user(token: str = fw.Header()):
    return {"real": token}


async def fake_user(q: int = 1):
    return {"fake": q}


@app.get("/me")
def me(user: dict = fw.Depends(real_user)):  # type: ignore[type-arg]
    return user


app.dependency_overrides[real_user] = fake_user
