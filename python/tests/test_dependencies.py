"""Dependencies, injected Response, route introspection and the hosted async path."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from typing import Annotated, Any

import pytest
from support import HostClient

import fasterapi.routing
from fasterapi import Body, Cookie, Depends, FastAPI, Header, HTTPException, Path, Query, Security
from fasterapi.responses import Response
from fasterapi.security import OAuth2PasswordBearer, SecurityScopes


def test_route_parameters_introspection() -> None:
    app = FastAPI()
    oauth2 = OAuth2PasswordBearer(tokenUrl="token", scopes={"me": "Read me"})

    def pager(page: Annotated[int, Query(ge=1, description="page number")] = 1,
              x_trace: str | None = Header(None, deprecated=True)) -> int:
        return page

    @app.get("/items/{item_id}")
    def read(item_id: Annotated[int, Path(gt=0, title="ID", examples=[1])],
             q: str = Query("d", max_length=5, include_in_schema=False, alias="query"),
             session: str | None = Cookie(None),
             page: int = Depends(pager),
             token: str = Security(oauth2, scopes=["me"])) -> None: ...

    route = app.routes[0]
    params = {(p.location, p.alias): p for p in route.parameters}
    assert list(params) == [("path", "item_id"), ("query", "query"), ("query", "page"),
                            ("header", "x-trace"), ("cookie", "session")]
    item_id = params[("path", "item_id")]
    assert item_id.required and item_id.constraints == {"gt": 0}
    assert item_id.title == "ID" and item_id.examples == [1]
    query = params[("query", "query")]
    assert query.name == "q" and query.default == "d" and not query.include_in_schema
    assert params[("query", "page")].description == "page number"
    assert params[("header", "x-trace")].deprecated is True
    assert route.body_fields == []
    assert [(type(s).__name__, scopes) for s, scopes in route.security] == [
        ("OAuth2PasswordBearer", ["me"])]

    @app.post("/b")
    def body(a: dict[str, int], b: int = Body(gt=1)) -> None: ...

    assert [(f.name, f.required) for f in app.routes[1].body_fields] == [("a", True),
                                                                          ("b", True)]
    assert app.routes[1].embed_body


def test_generator_dependencies_close_in_reverse_order_after_the_response() -> None:
    events: list[str] = []

    def first() -> Iterator[str]:
        events.append("enter first")
        yield "1"
        events.append("exit first")

    async def second(a: str = Depends(first)) -> AsyncIterator[str]:
        events.append("enter second")
        yield a + "2"
        events.append("exit second")

    def function_scoped() -> Iterator[str]:
        yield "f"
        events.append("exit function scope")

    app = FastAPI()

    @app.get("/")
    def handler(b: str = Depends(second), f: str = Depends(function_scoped, scope="function"),
                ) -> str:
        events.append("handler")
        return b + f

    result = HostClient(app).get("/")
    assert result.json() == "12f"
    assert events == ["enter first", "enter second", "handler", "exit function scope",
                      "exit second", "exit first"]


class Settings:
    def __init__(self, name: str = "real") -> None:
        self.name = name


def test_dependency_overrides_and_class_dependencies() -> None:
    app = FastAPI()

    @app.get("/")
    def handler(settings: Annotated[Settings, Depends()]) -> str:
        return settings.name

    client = HostClient(app)
    assert client.get("/?name=x").json() == "x"
    app.dependency_overrides[Settings] = lambda: Settings("fake")
    assert client.get("/?name=x").json() == "fake"
    app.dependency_overrides.clear()
    assert client.get("/").json() == "real"


def test_security_scopes_accumulate() -> None:
    def scopes(security_scopes: SecurityScopes) -> list[str]:
        return security_scopes.scopes

    def middle(s: list[str] = Security(scopes, scopes=["b"])) -> list[str]:
        return s

    app = FastAPI()

    @app.get("/")
    def handler(s: list[str] = Security(middle, scopes=["a"])) -> list[str]:
        return s

    assert HostClient(app).get("/").json() == ["a", "b"]


def test_response_parameter_with_plain_values() -> None:
    app = FastAPI()

    @app.get("/")
    def handler(response: Response) -> dict[str, int]:
        response.status_code = 202
        response.headers["x-a"] = "1"
        return {"a": 1}

    result = HostClient(app).get("/")
    assert (result.status_code, result.header("x-a"), result.json()) == (202, "1", {"a": 1})
    assert not result.plain


def test_hosted_async_route_solves_inside_the_deferred_coroutine(
        monkeypatch: pytest.MonkeyPatch) -> None:
    deferred: list[Any] = []

    def fake_answer_async(make: Callable[[], Coroutine[Any, Any, Any]], status: int,
                          on_error: Callable[[BaseException], Any]) -> None:
        async def run() -> Any:
            try:
                return await make()
            except Exception as exc:
                return on_error(exc)

        deferred.append((status, asyncio.run(run())))

    monkeypatch.setattr(fasterapi.routing, "HOSTED", True)
    monkeypatch.setattr(fasterapi.routing, "answer_async", fake_answer_async)
    events: list[str] = []

    async def resource() -> AsyncIterator[str]:
        events.append("open")
        yield "r"
        events.append("close")

    app = FastAPI()

    @app.get("/", status_code=201)
    async def handler(r: str = Depends(resource), n: int = 1) -> list[Any]:
        if n == 0:
            raise HTTPException(404)
        return [r, n]

    client = HostClient(app)
    client.request("GET", "/?n=2")
    client.request("GET", "/?n=x")
    client.request("GET", "/?n=0")
    assert deferred[0] == (201, ["r", 2])
    assert deferred[1][1].status_code == 422
    assert deferred[2][1].status_code == 404
    # An error is thrown into the generator at its `yield`: without a
    # try/finally the code after it does not run, as with FastAPI.
    assert events == ["open", "close", "open", "open"]


def test_registration_errors_name_the_dependency() -> None:
    app = FastAPI()

    def bad(x: complex) -> None: ...

    with pytest.raises(TypeError, match="bad"):
        @app.get("/")
        def handler(v: None = Depends(bad)) -> None: ...

    with pytest.raises(TypeError, match="needs a callable"):
        @app.get("/2")
        def handler2(v: Any = Depends()) -> None: ...
