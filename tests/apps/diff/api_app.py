# mypy: disable-error-code="no-untyped-def"
"""Differential app: Path/Query/Header/Cookie/Body parameters with constraints, models and
their 422s, dependencies (nested, cached, classes, generators, async), the security helpers
and scopes, response_model filtering, injected Response headers and cookies, exception
handlers. Served under FastAPI and FasterAPI by tests/py/test_diff_api.py."""

import datetime
import decimal
import uuid
from typing import Annotated, Any, Literal, Optional

from framework import fw
from shapes import Color, Movie, Point


class Teapot(Exception):
    def __init__(self, name: str) -> None:
        self.name = name

log: list[str] = []
calls: dict[str, int] = {}


# ---- models -------------------------------------------------------------------


class Image(fw.Model):
    url: str = fw.Field(pattern=r"^https?://")
    name: str


class Item(fw.Model):
    name: str = fw.Field(min_length=1, max_length=10)
    description: Optional[str] = None
    price: float = fw.Field(gt=0)
    tax: Optional[float] = None
    tags: list[str] = []  # noqa: RUF012 - copied per instance, as in pydantic
    images: Optional[list[Image]] = None
    count: int = fw.Field(default=1, ge=1, le=5)


class Offer(fw.Model):
    name: str
    items: list[Item]


class Aliased(fw.Model):
    item_id: int = fw.Field(alias="itemId")
    labels: list[str] = fw.Field(default_factory=list)


class UserIn(fw.Model):
    username: str
    password: str
    email: str
    full_name: Optional[str] = None


class UserOut(fw.Model):
    username: str
    email: str
    full_name: Optional[str] = None


class Stamps(fw.Model):
    when: datetime.datetime
    day: datetime.date
    at: datetime.time
    span: datetime.timedelta
    key: uuid.UUID
    amount: decimal.Decimal = fw.Field(max_digits=5, decimal_places=2)


class Strict(fw.Model):
    model_config = {"extra": "forbid"}  # noqa: RUF012
    a: int



app = fw.FastAPI()


# ---- parameters ----------------------------------------------------------------


@app.get("/headers")
def headers(custom_agent: Optional[str] = fw.Header(None),
            x_token: Annotated[list[str], fw.Header()] = [],  # noqa: B006
            strange_header: Optional[str] = fw.Header(None, convert_underscores=False),
            x_num: int = fw.Header(0, alias="X-Num", ge=0)):
    return {"ua": custom_agent, "tokens": x_token, "strange": strange_header, "num": x_num}


@app.get("/required-header")
def required_header(x_key: str = fw.Header(), x_level: int = fw.Header(lt=3)):
    return [x_key, x_level]


@app.get("/cookies")
def cookies(session: Optional[str] = fw.Cookie(None), n: int = fw.Cookie(0, le=9)):
    return {"session": session, "n": n}


@app.get("/required-cookie")
def required_cookie(ads_id: str = fw.Cookie()):
    return ads_id


@app.get("/constraints/{item_id}")
def constraints(
    item_id: Annotated[int, fw.Path(gt=0, le=1000, title="The ID")],
    q: Annotated[Optional[str], fw.Query(min_length=3, max_length=5,
                                         pattern="^[a-z]+$")] = None,
    f: Annotated[float, fw.Query(ge=0.5, lt=10)] = 1.0,
    m: Annotated[int, fw.Query(multiple_of=3)] = 0,
    mf: Annotated[float, fw.Query(multiple_of=0.5)] = 0.0,
    tags: Annotated[list[str], fw.Query(min_length=1, max_length=2)] = ["x"],  # noqa: B006
):
    return {"item_id": item_id, "q": q, "f": f, "m": m, "mf": mf, "tags": tags}


@app.get("/aliased-query")
def aliased_query(item_query: str = fw.Query(alias="item-query", min_length=2,
                                             description="d", deprecated=True)):
    return item_query


@app.get("/factory")
def factory(tags: Annotated[list[str], fw.Query(default_factory=lambda: ["a"])]):
    tags.append("z")
    return tags


@app.get("/types")
def types_(
    when: Optional[datetime.datetime] = None,
    day: Optional[datetime.date] = None,
    at: Optional[datetime.time] = None,
    span: Optional[datetime.timedelta] = None,
    key: Optional[uuid.UUID] = None,
    amount: Optional[decimal.Decimal] = None,
    color: Optional[Color] = None,
    mode: Literal["a", "b"] = "a",
):
    return {"when": when, "day": day, "at": at, "span": span, "key": key,
            "amount": amount, "color": color, "mode": mode}


@app.get("/decimal")
def decimal_param(d: Annotated[decimal.Decimal, fw.Query(max_digits=4, decimal_places=2,
                                                         gt=0)]):
    return str(d)


@app.get("/uuid/{key}")
def uuid_path(key: uuid.UUID):
    return {"key": key, "hex": key.hex}


@app.get("/bytes-len")
def bytes_len(data: Annotated[bytes, fw.Query(min_length=2, max_length=3)] = b"ab"):
    return len(data)


# ---- bodies ---------------------------------------------------------------------


@app.post("/items")
def create_item(item: Item):
    return item


@app.post("/items-dump")
def items_dump(item: Item):
    return {"dump": item.model_dump(), "none": item.model_dump(exclude_none=True),
            "unset": item.model_dump(exclude_unset=True),
            "some": item.model_dump(include={"name", "price"}),
            "json": item.model_dump_json(exclude={"tags"}),
            "fields": sorted(Item.model_fields), "eq": item == Item(**item.model_dump())}


@app.post("/offers")
def create_offer(offer: Offer, q: int = 0):
    return {"offer": offer, "total": sum(i.price for i in offer.items), "q": q}


@app.post("/offer-list")
def offer_list(offers: list[Offer]):
    return len(offers)


@app.put("/items/{item_id}")
def update_item(item_id: int, item: Item, user: UserOut, importance: int = fw.Body(gt=0)):
    return {"item_id": item_id, "item": item, "user": user, "importance": importance}


@app.post("/embed-model")
def embed_model(item: Item = fw.Body(embed=True)):
    return item


@app.post("/aliased")
def aliased(a: Aliased):
    return {"id": a.item_id, "labels": a.labels, "dump": a.model_dump(by_alias=True)}


@app.post("/stamps")
def stamps(s: Stamps):
    return {"s": s, "types": [type(v).__name__ for v in (s.when, s.day, s.at, s.span,
                                                          s.key, s.amount)]}


@app.post("/strict")
def strict(s: Strict):
    return s


@app.post("/movie")
def movie(m: Movie):
    return m


@app.post("/point")
def point(p: Point = fw.Body(embed=True), n: int = fw.Body(default=1, le=3)):
    return {"p": p, "n": n}


# ---- dependencies -------------------------------------------------------------


def common(q: Optional[str] = None, skip: int = 0, limit: int = fw.Query(100, le=100)):
    calls["common"] = calls.get("common", 0) + 1
    return {"q": q, "skip": skip, "limit": limit}


class Pager:
    def __init__(self, page: int = 1, size: Annotated[int, fw.Query(gt=0)] = 10):
        self.page = page
        self.size = size


def token_header(x_token: str = fw.Header()):
    if x_token != "secret":
        raise fw.HTTPException(status_code=400, detail="X-Token header invalid")
    return x_token


def counted():
    calls["counted"] = calls.get("counted", 0) + 1
    return calls["counted"]


def uses_counted(a: int = fw.Depends(counted)):
    return a


def uses_counted_again(a: int = fw.Depends(counted), b: int = fw.Depends(uses_counted)):
    return [a, b]


def gen_dep(name: str = "db"):
    log.append(f"open {name}")
    try:
        yield name
    except fw.HTTPException as exc:
        log.append(f"error {exc.status_code}")
        raise
    finally:
        log.append(f"close {name}")


async def agen_dep():
    log.append("aopen")
    yield "async-resource"
    log.append("aclose")


async def async_dep(n: int = 2):
    return n * 10


@app.get("/common")
def use_common(commons: dict = fw.Depends(common)):  # type: ignore[type-arg]
    return commons


@app.get("/common-annotated")
def use_common_annotated(commons: Annotated[dict, fw.Depends(common)],  # type: ignore[type-arg]
                         again: Annotated[dict, fw.Depends(common)]):  # type: ignore[type-arg]
    return {"commons": commons, "same": commons is again}


@app.get("/pager")
def use_pager(pager: Annotated[Pager, fw.Depends()]):
    return {"page": pager.page, "size": pager.size}


@app.get("/cache")
def use_cache(a: int = fw.Depends(counted), b: list = fw.Depends(uses_counted_again),  # type: ignore[type-arg]
              c: int = fw.Depends(counted, use_cache=False)):
    return [a, b, c]


@app.get("/token", dependencies=[fw.Depends(token_header)])
def with_token(n: int):
    return n


@app.get("/gen")
def use_gen(db: str = fw.Depends(gen_dep), fail: int = 0):
    log.append("handler")
    if fail:
        raise fw.HTTPException(status_code=409, detail="conflict")
    return db


@app.get("/agen")
async def use_agen(res: str = fw.Depends(agen_dep), n: int = fw.Depends(async_dep)):
    log.append("async handler")
    return [res, n]


@app.get("/agen-sync")
def use_agen_sync(res: str = fw.Depends(agen_dep)):
    return res


@app.get("/log")
def read_log():
    copy = list(log)
    log.clear()
    return copy


@app.get("/dep-errors/{pid}")
def dep_errors(pid: int, commons: dict = fw.Depends(common),  # type: ignore[type-arg]
               pager: Pager = fw.Depends(Pager), z: int = 0):
    return [pid, commons, pager.page, z]


# ---- security --------------------------------------------------------------------


sec = fw.security
oauth2 = sec.OAuth2PasswordBearer(tokenUrl="token")
oauth2_opt = sec.OAuth2PasswordBearer(tokenUrl="token", auto_error=False)
bearer = sec.HTTPBearer()
bearer_opt = sec.HTTPBearer(auto_error=False)
basic = sec.HTTPBasic()
basic_realm = sec.HTTPBasic(realm="kingdom")
key_header = sec.APIKeyHeader(name="X-API-Key")
key_query = sec.APIKeyQuery(name="api_key")
key_cookie = sec.APIKeyCookie(name="sess")
key_query_opt = sec.APIKeyQuery(name="api_key", auto_error=False)
digest = sec.HTTPDigest()


@app.get("/sec/oauth2")
def sec_oauth2(token: str = fw.Depends(oauth2)):
    return token


@app.get("/sec/oauth2-opt")
def sec_oauth2_opt(token: Optional[str] = fw.Depends(oauth2_opt)):
    return {"token": token}


@app.get("/sec/bearer")
def sec_bearer(creds=fw.Security(bearer)):
    return {"scheme": creds.scheme, "credentials": creds.credentials}


@app.get("/sec/bearer-opt")
def sec_bearer_opt(creds=fw.Depends(bearer_opt)):
    return creds


@app.get("/sec/basic")
def sec_basic(creds=fw.Depends(basic)):
    return creds


@app.get("/sec/basic-realm")
def sec_basic_realm(creds=fw.Depends(basic_realm)):
    return [creds.username, creds.password]


@app.get("/sec/key-header")
def sec_key_header(key: str = fw.Depends(key_header)):
    return key


@app.get("/sec/key-query")
def sec_key_query(key: str = fw.Security(key_query)):
    return key


@app.get("/sec/key-cookie")
def sec_key_cookie(key: str = fw.Depends(key_cookie)):
    return key


@app.get("/sec/key-query-opt")
def sec_key_query_opt(key: Optional[str] = fw.Depends(key_query_opt)):
    return {"key": key}


@app.get("/sec/digest")
def sec_digest(creds=fw.Depends(digest)):
    return creds.credentials


def current_user(security_scopes: sec.SecurityScopes, token: str = fw.Depends(oauth2)):
    if token == "bad":
        raise fw.HTTPException(status_code=401, detail="Could not validate",
                               headers={"WWW-Authenticate":
                                        f'Bearer scope="{security_scopes.scope_str}"'})
    return {"token": token, "scopes": security_scopes.scopes}


def active_user(user: dict = fw.Security(current_user, scopes=["me"])):  # type: ignore[type-arg]
    return user


@app.get("/sec/scopes")
def sec_scopes(user: dict = fw.Security(active_user, scopes=["items"])):  # type: ignore[type-arg]
    return user


# ---- responses ----------------------------------------------------------------


@app.post("/user", response_model=UserOut)
def create_user(user: UserIn):
    return user


@app.post("/user-annotated")
def create_user_annotated(user: UserIn) -> UserOut:
    return user  # type: ignore[return-value]


@app.get("/rm/dict", response_model=Item)
def rm_dict():
    return {"name": "n", "price": 2, "extra": "dropped", "tags": ["a"]}


@app.get("/rm/none", response_model=Item, response_model_exclude_none=True)
def rm_none():
    return {"name": "n", "price": 2}


@app.get("/rm/unset", response_model=Item, response_model_exclude_unset=True)
def rm_unset():
    return Item(name="n", price=2, tax=None)


@app.get("/rm/include", response_model=Item, response_model_include={"name", "price"})
def rm_include():
    return {"name": "n", "price": 2}


@app.get("/rm/exclude", response_model=Item, response_model_exclude={"tags", "images"})
def rm_exclude():
    return {"name": "n", "price": 2}


@app.get("/rm/alias", response_model=Aliased)
def rm_alias():
    return {"itemId": 5}


@app.get("/rm/no-alias", response_model=Aliased, response_model_by_alias=False)
def rm_no_alias():
    return {"itemId": 5}


@app.get("/rm/list", response_model=list[UserOut])
def rm_list():
    return [{"username": "a", "email": "e", "password": "p"},
            UserIn(username="b", email="f", password="q")]


@app.get("/rm/invalid", response_model=Item)
def rm_invalid():
    return {"name": "n"}


@app.get("/rm/int")
def rm_int() -> int:
    return "42"  # type: ignore[return-value]


@app.get("/rm/stamps", response_model=Stamps)
def rm_stamps():
    return {"when": "2020-01-02T03:04:05Z", "day": "2020-01-02", "at": "01:02:03",
            "span": 90061.5, "key": "12345678123456781234567812345678",
            "amount": "1.50"}


@app.get("/rm/typeddict", response_model=Movie)
def rm_typeddict():
    return {"title": "t", "year": "1999", "other": 1}


@app.get("/rm/dataclass", response_model=Point)
def rm_dataclass():
    return {"x": "3", "z": 1}


@app.get("/rm/response-passthrough", response_model=Item)
def rm_passthrough():
    return fw.JSONResponse({"raw": True})


@app.get("/model-direct")
def model_direct():
    return Stamps(when="2020-01-02T03:04:05+00:00", day="2020-01-02", at="01:02",
                  span="P1DT1H", key=uuid.UUID(int=1), amount="2.5")


@app.get("/inject-response", status_code=201)
def inject_response(response: fw.Response, code: int = 0):
    response.headers["X-Extra"] = "yes"
    response.set_cookie("k", "v")
    if code:
        response.status_code = code
    return {"ok": True}


def header_setter(response: fw.Response) -> str:
    response.headers["X-From-Dep"] = "1"
    return "dep"


@app.get("/inject-response-dep")
def inject_response_dep(value: str = fw.Depends(header_setter)):
    return value


@app.get("/html-class", response_class=fw.HTMLResponse)
def html_class(response: fw.Response):
    response.headers["X-H"] = "1"
    return "<p>x</p>"


# Text response classes: a str return value is sent by the host itself (no Response object);
# anything else takes the general path.
@app.get("/text-class", response_class=fw.PlainTextResponse)
def text_class() -> str:
    return "plain ünïcode\nline"


@app.get("/text-class-201", response_class=fw.PlainTextResponse, status_code=201)
def text_class_201():
    return "created"


@app.get("/text-class-bytes", response_class=fw.PlainTextResponse)
def text_class_bytes():
    return b"raw bytes"


@app.get("/text-class-int", response_class=fw.PlainTextResponse)
def text_class_int() -> int:
    return "7"  # type: ignore[return-value]


@app.get("/text-class-response", response_class=fw.PlainTextResponse)
def text_class_response():
    return fw.PlainTextResponse("own", headers={"x-own": "1"}, status_code=202)


@app.get("/html-class-plain", response_class=fw.HTMLResponse)
def html_class_plain() -> str:
    return "<h1>hi</h1>"


@app.get("/text-class-204", response_class=fw.PlainTextResponse, status_code=204)
def text_class_204():
    return "dropped"


# Return annotations of plain JSON shapes: a value of exactly that shape is encoded as it is,
# any other is validated (and coerced, or refused with a 500) first.
SHAPED: dict[str, Any] = {
    "exact": {"a": 1, "b": 2},
    "coerced": {"a": "3", "b": 4.0},
    "refused": {"a": "x"},
    "bool_value": {"a": True},
}


@app.get("/shape/dict-int/{name}")
def shape_dict_int(name: str) -> dict[str, int]:
    return SHAPED[name]


@app.get("/shape/floats")
def shape_floats() -> dict[str, float]:
    return {"int": 1, "float": 2.5, "bool": True}


@app.get("/shape/list-of-dicts/{kind}")
def shape_list_of_dicts(kind: str) -> list[dict[str, Any]]:
    rows: Any = [{"id": 1, "tags": ("a", "b")}, {"id": 2, "price": 1.25}]
    if kind == "tuple":
        return tuple(rows)  # type: ignore[return-value]
    if kind == "not-dicts":
        return [1, 2]  # type: ignore[list-item]
    return rows


@app.get("/shape/optional/{kind}")
def shape_optional(kind: str) -> Optional[list[str]]:
    return {"none": None, "list": ["a", "b"], "ints": [1, 2]}.get(kind)  # type: ignore[return-value]


@app.get("/shape/non-str-key")
def shape_non_str_key() -> dict[str, str]:
    return {1: "one"}  # type: ignore[dict-item]


# Request bodies of plain shapes: a body whose items have their exact types skips the
# per-item validation; any other is validated (coerced or refused with a 422).
@app.post("/shape/body-dict")
def shape_body_dict(payload: dict[str, Any]):
    return payload


@app.post("/shape/body-ints")
def shape_body_ints(payload: dict[str, list[int]]):
    return {"keys": sorted(payload), "sums": {k: sum(v) for k, v in payload.items()}}


@app.delete("/no-content", status_code=204)
def no_content(response: fw.Response):
    response.headers["X-Gone"] = "1"


# ---- errors ----------------------------------------------------------------------


@app.get("/teapot/{name}")
def teapot(name: str):
    raise Teapot(name)


@app.exception_handler(Teapot)
async def teapot_handler(request: Any, exc: Teapot):
    return fw.JSONResponse({"teapot": exc.name}, status_code=418)
