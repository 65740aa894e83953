# mypy: disable-error-code="no-untyped-def"
"""Differential tests for the FastAPI API surface: parameters, models, dependencies,
security, response models and routers.

As in test_fastapi_compat.py, one app is written against a "framework"
namespace and built twice: with fastapi + pydantic, and with fasterapi (whose
`Model`/`Field` stand in for pydantic's `BaseModel`/`Field`). Every case must
give the same status, headers and body bytes. Skipped without FastAPI.
"""

import datetime
import decimal
import enum
import uuid
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Annotated, Any, Literal, NotRequired, Optional, TypedDict, Union

import pytest
from support import HostClient, Result, fastapi_client

fastapi = pytest.importorskip("fastapi")
pydantic = pytest.importorskip("pydantic")

fastapi_security = pytest.importorskip("fastapi.security")

import fasterapi  # noqa: E402
import fasterapi.exceptions  # noqa: E402
import fasterapi.responses  # noqa: E402
import fasterapi.security  # noqa: E402


def _namespace(module: Any, responses: Any, security: Any, model: Any, field_: Any,
               exceptions: Any) -> SimpleNamespace:
    names = ("FastAPI", "HTTPException", "Request", "Query", "Body", "Path", "Header", "Cookie",
             "Depends", "Security", "APIRouter")
    ns = SimpleNamespace(**{name: getattr(module, name) for name in names})
    ns.Response = responses.Response
    ns.JSONResponse = responses.JSONResponse
    ns.HTMLResponse = responses.HTMLResponse
    ns.PlainTextResponse = responses.PlainTextResponse
    ns.security = security
    ns.Model = model
    ns.Field = field_
    ns.RequestValidationError = exceptions.RequestValidationError
    return ns


FASTAPI_NS = _namespace(fastapi, __import__("fastapi.responses", fromlist=["x"]),
                        fastapi_security, pydantic.BaseModel, pydantic.Field,
                        __import__("fastapi.exceptions", fromlist=["x"]))
OURS_NS = _namespace(fasterapi, fasterapi.responses, fasterapi.security, fasterapi.Model,
                     fasterapi.Field, fasterapi.exceptions)


class Color(str, enum.Enum):
    red = "red"
    blue = "blue"


@dataclass
class Point:
    x: int
    y: int = 0


class Movie(TypedDict):
    title: str
    year: int
    rating: NotRequired[float]


class Teapot(Exception):
    def __init__(self, name: str) -> None:
        self.name = name


def make_app(fw: SimpleNamespace) -> Any:
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

    return app, log


def make_router_app(fw: SimpleNamespace) -> Any:
    seen: list[str] = []

    def app_dep():
        seen.append("app")

    def router_dep(x_router: Optional[str] = fw.Header(None)):
        seen.append(f"router:{x_router}")
        if x_router == "deny":
            raise fw.HTTPException(status_code=403, detail="router says no")

    def include_dep(lang: str = "en"):
        seen.append(f"include:{lang}")

    app = fw.FastAPI(dependencies=[fw.Depends(app_dep)])
    router = fw.APIRouter(prefix="/users", tags=["users"],
                          dependencies=[fw.Depends(router_dep)],
                          responses={404: {"description": "Not found"}})

    @router.get("/")
    def list_users():
        return {"seen": list(seen)}

    @router.get("/{uid}")
    def get_user(uid: int):
        seen.clear()
        return uid

    @router.post("/{uid}/items", status_code=201)
    def add_item(uid: int, name: str = fw.Body(embed=True)):
        return {"uid": uid, "name": name}

    inner = fw.APIRouter()

    @inner.get("/ping")
    def ping():
        return "pong"

    router.include_router(inner, prefix="/inner")
    app.include_router(router, prefix="/v1", dependencies=[fw.Depends(include_dep)])

    @app.get("/seen")
    def get_seen():
        copy = list(seen)
        seen.clear()
        return copy

    @app.exception_handler(fw.RequestValidationError)
    async def custom_422(request: Any, exc: Any):
        return fw.PlainTextResponse(f"bad request: {len(exc.errors())} error(s)",
                                    status_code=400)

    return app


# (method, url, request kwargs)
CASES: list[tuple[str, str, dict[str, Any]]] = [
    # headers and cookies
    ("GET", "/headers", {}),
    ("GET", "/headers", {"headers": [("Custom-Agent", "ua/1"), ("X-Token", "a"),
                                     ("x-token", "b"), ("strange_header", "s"),
                                     ("X-Num", "4")]}),
    ("GET", "/headers", {"headers": {"x-num": "-1", "strange-header": "no"}}),
    ("GET", "/headers", {"headers": {"x-num": "x"}}),
    ("GET", "/required-header", {}),
    ("GET", "/required-header", {"headers": {"x-key": "k", "x-level": "3"}}),
    ("GET", "/required-header", {"headers": {"X-Key": "k", "X-Level": "2"}}),
    ("GET", "/cookies", {}),
    ("GET", "/cookies", {"headers": {"cookie": "session=abc; n=4"}}),
    ("GET", "/cookies", {"headers": {"cookie": "n=10"}}),
    ("GET", "/cookies", {"headers": {"cookie": "n=x"}}),
    ("GET", "/required-cookie", {}),
    ("GET", "/required-cookie", {"headers": {"cookie": "ads_id=1"}}),
    # constraints
    ("GET", "/constraints/5", {}),
    ("GET", "/constraints/0", {}),
    ("GET", "/constraints/1001", {}),
    ("GET", "/constraints/x", {}),
    ("GET", "/constraints/5?q=ab", {}),
    ("GET", "/constraints/5?q=abcdef", {}),
    ("GET", "/constraints/5?q=ABC", {}),
    ("GET", "/constraints/5?q=abc", {}),
    ("GET", "/constraints/5?f=0.1", {}),
    ("GET", "/constraints/5?f=10", {}),
    ("GET", "/constraints/5?f=9.99", {}),
    ("GET", "/constraints/5?m=7", {}),
    ("GET", "/constraints/5?m=9", {}),
    ("GET", "/constraints/5?mf=0.7", {}),
    ("GET", "/constraints/5?mf=1.5", {}),
    ("GET", "/constraints/5?tags=a&tags=b&tags=c", {}),
    ("GET", "/constraints/0?q=A&f=20&m=1&tags=1&tags=2&tags=3", {}),
    ("GET", "/aliased-query?item-query=ok", {}),
    ("GET", "/aliased-query?item-query=o", {}),
    ("GET", "/aliased-query", {}),
    ("GET", "/factory", {}),
    ("GET", "/factory", {}),
    ("GET", "/factory?tags=q", {}),
    # types
    ("GET", "/types", {}),
    ("GET", "/types?when=2020-01-02T03:04:05&day=2020-01-02&at=12:30&span=P1D&key="
            "12345678-1234-5678-1234-567812345678&amount=1.50&color=red&mode=b", {}),
    ("GET", "/types?when=2020-01-02T03:04:05.123%2B02:00&day=1600000000&at=12:30:45.5Z"
            "&span=1%20day,%2001:02:03&amount=1e3", {}),
    ("GET", "/types?when=1600000000&day=2020-01-02T00:00:00&span=3600&amount=%201_000%20", {}),
    ("GET", "/types?when=x&day=2020-13-01&at=25:00&span=x&key=x&amount=x&color=green&mode=c",
     {}),
    ("GET", "/types?when=2020-01-01T25:00&day=2020-01-01T01:00&at=12&span=1&key=123", {}),
    ("GET", "/types?when=2020-1-1&day=2020/01/01&at=1230&span=1:2:3&amount=nan", {}),
    ("GET", "/types?when=2020-01-01x&day=2020-02-30&at=12:30:60&span=P1Y2M3DT4H5M6S"
            "&key=%7B12345678-1234-5678-1234-567812345678%7D", {}),
    ("GET", "/types?when=2020-01-01T12:30:45Z&day=0&at=12:30:45%2B01:00&span=-PT1H", {}),
    ("GET", "/decimal?d=12.34", {}),
    ("GET", "/decimal?d=123.4", {}),
    ("GET", "/decimal?d=1.234", {}),
    ("GET", "/decimal?d=0", {}),
    ("GET", "/decimal?d=12.30", {}),
    ("GET", "/uuid/12345678-1234-5678-1234-567812345678", {}),
    ("GET", "/uuid/12345678-1234-5678-1234-56781234567G", {}),
    ("GET", "/uuid/urn:uuid:12345678-1234-5678-1234-567812345678", {}),
    ("GET", "/bytes-len", {}),
    ("GET", "/bytes-len?data=a", {}),
    ("GET", "/bytes-len?data=abcd", {}),
    # model bodies
    ("POST", "/items", {"json": {"name": "Foo", "price": 35.4}}),
    ("POST", "/items", {"json": {"name": "Foo", "price": "35.4", "tags": ["a", "b"],
                                 "images": [{"url": "http://x", "name": "i"}], "count": 5,
                                 "ignored": 1}}),
    ("POST", "/items", {"json": {"name": "", "price": 0, "count": 6, "tags": "x"}}),
    ("POST", "/items", {"json": {"name": "a" * 11, "price": -1, "count": 0,
                                 "images": [{"url": "ftp://x"}, 3, {"url": "https://y",
                                                                   "name": None}]}}),
    ("POST", "/items", {"json": {}}),
    ("POST", "/items", {"json": [1]}),
    ("POST", "/items", {"json": "x"}),
    ("POST", "/items", {"json": None}),
    ("POST", "/items", {"content": b"null", "headers": {"content-type": "application/json"}}),
    ("POST", "/items", {"content": b"{bad", "headers": {"content-type": "application/json"}}),
    ("POST", "/items", {}),
    ("POST", "/items-dump", {"json": {"name": "Foo", "price": 1, "tax": None,
                                      "images": [{"url": "http://a", "name": "n"}]}}),
    ("POST", "/offers", {"json": {"name": "o", "items": [{"name": "a", "price": 1},
                                                         {"name": "b", "price": 2.5}]}}),
    ("POST", "/offers?q=x", {"json": {"name": "o", "items": [{"name": "a"}, {"price": "z"}]}}),
    ("POST", "/offers", {"json": {"items": {}}}),
    ("POST", "/offer-list", {"json": [{"name": "o", "items": []}, {"name": 1}]}),
    ("PUT", "/items/3", {"json": {"item": {"name": "a", "price": 1},
                                  "user": {"username": "u", "email": "e"}, "importance": 5}}),
    ("PUT", "/items/3", {"json": {"item": {"name": "a", "price": 1}, "importance": 0}}),
    ("PUT", "/items/x", {"json": {"name": "a", "price": 1}}),
    ("POST", "/embed-model", {"json": {"item": {"name": "a", "price": 1}}}),
    ("POST", "/embed-model", {"json": {"name": "a", "price": 1}}),
    ("POST", "/aliased", {"json": {"itemId": "7", "labels": ["x"]}}),
    ("POST", "/aliased", {"json": {"item_id": 7}}),
    ("POST", "/stamps", {"json": {"when": "2020-01-02T03:04:05.5-01:30", "day": "2020-01-02",
                                  "at": "10:11:12", "span": "PT1M30S",
                                  "key": "12345678123456781234567812345678",
                                  "amount": 12.5}}),
    ("POST", "/stamps", {"json": {"when": 1.5e9, "day": 0, "at": 3661, "span": -5,
                                  "key": "x" * 36, "amount": "1234.5"}}),
    ("POST", "/stamps", {"json": {"when": None, "day": [], "at": True, "span": None,
                                  "key": 5, "amount": True}}),
    ("POST", "/strict", {"json": {"a": 1}}),
    ("POST", "/strict", {"json": {"a": 1, "b": 2, "c": None}}),
    ("POST", "/movie", {"json": {"title": "t", "year": "1999", "rating": "4.5", "x": 1}}),
    ("POST", "/movie", {"json": {"title": 1}}),
    ("POST", "/movie", {"json": [1]}),
    ("POST", "/point", {"json": {"p": {"x": "1"}, "n": 3}}),
    ("POST", "/point", {"json": {"p": {"x": "1"}, "n": 4}}),
    ("POST", "/point", {"json": {"p": {"y": 1}}}),
    # dependencies
    ("GET", "/common?q=a&skip=2", {}),
    ("GET", "/common?limit=101&skip=x", {}),
    ("GET", "/common-annotated?limit=5", {}),
    ("GET", "/pager?page=2&size=5", {}),
    ("GET", "/pager?size=0&page=x", {}),
    ("GET", "/cache", {}),
    ("GET", "/cache", {}),
    ("GET", "/token?n=1", {"headers": {"x-token": "secret"}}),
    ("GET", "/token?n=x", {"headers": {"x-token": "wrong"}}),
    ("GET", "/token?n=x", {}),
    ("GET", "/token", {"headers": {"x-token": "secret"}}),
    ("GET", "/gen?name=x", {}),
    ("GET", "/log", {}),
    ("GET", "/gen?fail=1", {}),
    ("GET", "/log", {}),
    ("GET", "/gen?fail=x", {}),
    ("GET", "/log", {}),
    ("GET", "/agen?n=4", {}),
    ("GET", "/log", {}),
    ("GET", "/agen?n=x", {}),
    ("GET", "/log", {}),
    ("GET", "/agen-sync", {}),
    ("GET", "/log", {}),
    ("GET", "/dep-errors/x?limit=500&size=-1&page=y&z=q", {}),
    ("GET", "/dep-errors/1", {}),
    # security
    ("GET", "/sec/oauth2", {}),
    ("GET", "/sec/oauth2", {"headers": {"Authorization": "Basic abc"}}),
    ("GET", "/sec/oauth2", {"headers": {"Authorization": "Bearer tok"}}),
    ("GET", "/sec/oauth2", {"headers": {"Authorization": "bearer  tok2 "}}),
    ("GET", "/sec/oauth2-opt", {}),
    ("GET", "/sec/oauth2-opt", {"headers": {"Authorization": "Bearer t"}}),
    ("GET", "/sec/bearer", {}),
    ("GET", "/sec/bearer", {"headers": {"Authorization": "Bearer"}}),
    ("GET", "/sec/bearer", {"headers": {"Authorization": "Token abc"}}),
    ("GET", "/sec/bearer", {"headers": {"Authorization": "Bearer abc"}}),
    ("GET", "/sec/bearer-opt", {}),
    ("GET", "/sec/bearer-opt", {"headers": {"Authorization": "Bearer abc"}}),
    ("GET", "/sec/basic", {}),
    ("GET", "/sec/basic", {"headers": {"Authorization": "Basic dXNlcjpwYXNz"}}),
    ("GET", "/sec/basic", {"headers": {"Authorization": "Basic dXNlcg=="}}),
    ("GET", "/sec/basic", {"headers": {"Authorization": "Basic !!!"}}),
    ("GET", "/sec/basic", {"headers": {"Authorization": "Bearer x"}}),
    ("GET", "/sec/basic-realm", {}),
    ("GET", "/sec/basic-realm", {"headers": {"Authorization": "basic dTpwOnE="}}),
    ("GET", "/sec/key-header", {}),
    ("GET", "/sec/key-header", {"headers": {"x-api-key": "k1"}}),
    ("GET", "/sec/key-query", {}),
    ("GET", "/sec/key-query?api_key=k2", {}),
    ("GET", "/sec/key-query?api_key=", {}),
    ("GET", "/sec/key-cookie", {}),
    ("GET", "/sec/key-cookie", {"headers": {"cookie": "sess=k3"}}),
    ("GET", "/sec/key-query-opt", {}),
    ("GET", "/sec/digest", {}),
    ("GET", "/sec/digest", {"headers": {"Authorization": "Digest abc"}}),
    ("GET", "/sec/scopes", {}),
    ("GET", "/sec/scopes", {"headers": {"Authorization": "Bearer good"}}),
    ("GET", "/sec/scopes", {"headers": {"Authorization": "Bearer bad"}}),
    # responses
    ("POST", "/user", {"json": {"username": "u", "password": "p", "email": "e"}}),
    ("POST", "/user-annotated", {"json": {"username": "u", "password": "p", "email": "e",
                                          "full_name": "F"}}),
    ("GET", "/rm/dict", {}),
    ("GET", "/rm/none", {}),
    ("GET", "/rm/unset", {}),
    ("GET", "/rm/include", {}),
    ("GET", "/rm/exclude", {}),
    ("GET", "/rm/alias", {}),
    ("GET", "/rm/no-alias", {}),
    ("GET", "/rm/list", {}),
    ("GET", "/rm/invalid", {}),
    ("GET", "/rm/int", {}),
    ("GET", "/rm/stamps", {}),
    ("GET", "/rm/typeddict", {}),
    ("GET", "/rm/dataclass", {}),
    ("GET", "/rm/response-passthrough", {}),
    ("GET", "/model-direct", {}),
    ("GET", "/inject-response", {}),
    ("GET", "/inject-response?code=202", {}),
    ("GET", "/inject-response-dep", {}),
    ("GET", "/html-class", {}),
    ("DELETE", "/no-content", {}),
    ("GET", "/teapot/earl", {}),
]

ROUTER_CASES: list[tuple[str, str, dict[str, Any]]] = [
    ("GET", "/v1/users/", {}),
    ("GET", "/seen", {}),
    ("GET", "/v1/users/?lang=fr", {"headers": {"x-router": "r"}}),
    ("GET", "/seen", {}),
    ("GET", "/v1/users/3", {"headers": {"x-router": "deny"}}),
    ("GET", "/v1/users/x", {}),
    ("GET", "/seen", {}),
    ("POST", "/v1/users/4/items", {"json": {"name": "n"}}),
    ("POST", "/v1/users/4/items", {"json": {}}),
    ("GET", "/v1/users/inner/ping", {}),
    ("GET", "/seen", {}),
]


@pytest.fixture(scope="module")
def clients() -> tuple[Any, HostClient]:
    import logging

    logging.getLogger("fasterapi.error").disabled = True
    return fastapi_client(make_app(FASTAPI_NS)[0]), HostClient(make_app(OURS_NS)[0])


@pytest.fixture(scope="module")
def router_clients() -> tuple[Any, HostClient]:
    return fastapi_client(make_router_app(FASTAPI_NS)), HostClient(make_router_app(OURS_NS))


def _normalize(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(k.lower(), v) for k, v in headers if k.lower() != "content-length"]


def _compare(reference: Any, host: HostClient, method: str, url: str,
             kwargs: dict[str, Any]) -> None:
    expected = reference.request(method, url, follow_redirects=False, **kwargs)
    got: Result = host.request(method, url, **kwargs)
    assert (got.status_code, got.content) == (expected.status_code, expected.content)
    assert _normalize(got.headers) == _normalize(list(expected.headers.multi_items()))


@pytest.mark.parametrize(("method", "url", "kwargs"), CASES,
                         ids=[f"{m} {u[:50]} {i}" for i, (m, u, _) in enumerate(CASES)])
def test_same_response_as_fastapi(clients: tuple[Any, HostClient], method: str, url: str,
                                  kwargs: dict[str, Any]) -> None:
    _compare(*clients, method, url, kwargs)


@pytest.mark.parametrize(("method", "url", "kwargs"), ROUTER_CASES,
                         ids=[f"{m} {u[:50]} {i}" for i, (m, u, _) in enumerate(ROUTER_CASES)])
def test_routers_same_as_fastapi(router_clients: tuple[Any, HostClient], method: str, url: str,
                                 kwargs: dict[str, Any]) -> None:
    _compare(*router_clients, method, url, kwargs)


def test_dependency_overrides_same_as_fastapi() -> None:
    def make(fw: SimpleNamespace) -> Any:
        def real_user(token: str = fw.Header()):
            return {"real": token}

        app = fw.FastAPI()

        @app.get("/me")
        def me(user: dict = fw.Depends(real_user)):  # type: ignore[type-arg]
            return user

        async def fake_user(q: int = 1):
            return {"fake": q}

        app.dependency_overrides[real_user] = fake_user
        return app

    reference, host = fastapi_client(make(FASTAPI_NS)), HostClient(make(OURS_NS))
    for url in ("/me", "/me?q=5", "/me?q=x"):
        _compare(reference, host, "GET", url, {})
    host.app.dependency_overrides.clear()
    reference.app.dependency_overrides.clear()
    for url in ("/me", "/me?q=5"):
        _compare(reference, host, "GET", url, {"headers": {"token": "t"}})


def make_edge_app(fw: SimpleNamespace) -> Any:
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
        except Exception:
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

    return app, log


EDGE_CASES: list[tuple[str, str, dict[str, Any]]] = [
    ("GET", "/swallow", {}),
    ("GET", "/log", {}),
    ("GET", "/swallow?fail=1", {}),
    ("GET", "/log", {}),
    ("GET", "/replace", {}),
    ("GET", "/broken-cleanup", {}),
    ("GET", "/log", {}),
    ("GET", "/crashing", {}),
    ("GET", "/with-request/z?x=4", {}),
    ("GET", "/with-request/z?x=q", {}),
    ("GET", "/multiplier?value=5", {}),
    ("GET", "/multiplier?value=x", {}),
    ("POST", "/body-dep", {"json": {"note": "hi", "item": {"name": "n"}}}),
    ("POST", "/body-dep", {"json": {"item": {"price": 1}}}),
    ("POST", "/body-dep", {"json": "x"}),
    ("POST", "/catalog", {"json": {"by_name": {"a": {"name": "a"}, "b": {"price": "x"}},
                                   "featured": None, "point": {"x": 1}}}),
    ("POST", "/catalog", {"json": {"by_name": [], "featured": 3, "point": {"x": "y"}}}),
    ("POST", "/catalog", {"json": {}}),
    ("POST", "/union-body", {"json": {"name": "n"}}),
    ("POST", "/union-body", {"json": {"x": 1}}),
    ("POST", "/union-body", {"json": {"z": 1}}),
    ("GET", "/enum-list?colors=red&colors=blue", {}),
    ("GET", "/enum-list?colors=red&colors=pink", {}),
    ("GET", "/opt-list?ids=1&ids=2", {}),
    ("GET", "/opt-list?ids=1&ids=2&ids=3", {}),
    ("GET", "/opt-list", {}),
    ("GET", "/str-path/AB", {}),
    ("GET", "/str-path/A", {}),
    ("GET", "/str-path/ABCD", {}),
    ("GET", "/str-path/ab", {}),
    ("GET", "/raw-header", {}),
    ("GET", "/raw-header", {"headers": {"x_raw_name": "v"}}),
    ("GET", "/raw-header", {"headers": {"x-raw-name": "v"}}),
    ("GET", "/no-rm", {}),
    ("POST", "/rm-status", {"json": {"name": "n", "extra": 1}}),
    ("POST", "/rm-status?teapot=true", {"json": {"name": "n"}}),
    ("GET", "/rm-async", {}),
    ("GET", "/rm-dataclass-list", {}),
    ("GET", "/text-rm", {}),
    ("POST", "/scalar-bodies", {"json": {"a": 0, "b": "z"}}),
    ("POST", "/scalar-bodies", {"json": {"a": 1}}),
    ("GET", "/model-in-dict", {}),
]


@pytest.fixture(scope="module")
def edge_clients() -> tuple[Any, HostClient]:
    import logging

    logging.getLogger("fasterapi.error").disabled = True
    return fastapi_client(make_edge_app(FASTAPI_NS)[0]), HostClient(make_edge_app(OURS_NS)[0])


@pytest.mark.parametrize(("method", "url", "kwargs"), EDGE_CASES,
                         ids=[f"{m} {u[:50]} {i}" for i, (m, u, _) in enumerate(EDGE_CASES)])
def test_edge_cases_same_as_fastapi(edge_clients: tuple[Any, HostClient], method: str, url: str,
                                    kwargs: dict[str, Any]) -> None:
    _compare(*edge_clients, method, url, kwargs)


def test_pydantic_models_are_delegated_to_pydantic() -> None:
    """Where pydantic can be imported, its models work as bodies and response models."""

    class Tag(pydantic.BaseModel):
        label: str = pydantic.Field(min_length=2)

    class Post(pydantic.BaseModel):
        title: str
        tags: list[Tag] = []  # noqa: RUF012
        secret: str = "s"

    class PublicPost(pydantic.BaseModel):
        title: str
        tags: list[Tag] = []  # noqa: RUF012

    def make(fw: SimpleNamespace) -> Any:
        app = fw.FastAPI()

        @app.post("/posts", response_model=PublicPost)
        def create(post: Post, q: int = 0):
            return post

        @app.post("/posts-annotated")
        def annotated(posts: list[Post]) -> list[PublicPost]:
            return posts  # type: ignore[return-value]

        @app.get("/bad", response_model=PublicPost)
        def bad():
            return {"tags": "x"}

        @app.get("/direct")
        def direct():
            return Post(title="t", tags=[Tag(label="ab")])

        return app

    reference, host = fastapi_client(make(FASTAPI_NS)), HostClient(make(OURS_NS))
    for method, url, kwargs in [
        ("POST", "/posts", {"json": {"title": "t", "tags": [{"label": "ab"}]}}),
        ("POST", "/posts?q=x", {"json": {"tags": [{"label": "a"}, 3]}}),
        ("POST", "/posts", {"json": [1]}),
        ("POST", "/posts-annotated", {"json": [{"title": "a", "secret": "x"}]}),
        ("GET", "/bad", {}),
        ("GET", "/direct", {}),
    ]:
        _compare(reference, host, method, url, kwargs)
