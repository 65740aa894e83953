"""Routes: templates, the route table, and turning results into responses."""

from __future__ import annotations

import pytest

from fasterapi import APIRouter, FastAPI
from fasterapi._raw import PyRawRequest
from fasterapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fasterapi.routing import APIRoute, is_body_allowed_for_status_code, path_param_names


def test_path_param_names() -> None:
    assert path_param_names("/a/{x}/b/{y:path}") == ["x", "y"]
    assert path_param_names("/plain") == []
    for bad, message in [("a", "must start with '/'"), ("/{x}/{x}", "Duplicated param"),
                         ("/{x:nope}", "Unknown path convertor"), ("/{1x}", "Invalid path")]:
        with pytest.raises(ValueError, match=message):
            path_param_names(bad)


def test_body_allowed() -> None:
    assert is_body_allowed_for_status_code(None)
    assert is_body_allowed_for_status_code(200)
    assert not any(is_body_allowed_for_status_code(c) for c in (101, 204, 205, 304))


def test_table_entries() -> None:
    def endpoint() -> None: ...

    assert APIRoute("/x", endpoint).table_entry() == ("/x", ("GET", "HEAD"), 200, "endpoint")
    assert APIRoute("/x", endpoint, methods=["post", "GET", "get"], status_code=201,
                    name="n").table_entry() == ("/x", ("POST", "GET", "HEAD"), 201, "n")
    assert APIRoute("/x", endpoint, methods=["HEAD", "GET"]).table_entry()[1] == ("HEAD", "GET")


def test_plain_values_only_when_fastapi_would_send_them_as_json() -> None:
    def endpoint() -> dict[str, int]:
        return {"a": 1}

    raw = PyRawRequest()
    assert APIRoute("/", endpoint).handle(raw, None) == {"a": 1}
    assert APIRoute("/", endpoint, status_code=201).handle(raw, None) == {"a": 1}

    empty = APIRoute("/", endpoint, status_code=204).handle(raw, None)
    assert isinstance(empty, JSONResponse)
    assert (empty.status_code, empty.body) == (204, b"")
    assert empty.raw_headers == [(b"content-type", b"application/json")]

    def page() -> str:
        return "<p>"

    html = APIRoute("/", page, response_class=HTMLResponse).handle(raw, None)
    assert isinstance(html, HTMLResponse) and html.body == b"<p>"

    def target() -> str:
        return "/elsewhere"

    redirect = APIRoute("/", target, response_class=RedirectResponse).handle(raw, None)
    assert isinstance(redirect, RedirectResponse) and redirect.status_code == 307


def test_returned_response_passes_through() -> None:
    response = Response(b"x")

    def endpoint() -> Response:
        return response

    assert APIRoute("/", endpoint, status_code=204).handle(PyRawRequest(), None) is response


def test_unknown_route_options_are_refused() -> None:
    def endpoint() -> None: ...

    APIRoute("/", endpoint, tags=["a"], summary="s", include_in_schema=False)
    with pytest.raises(TypeError, match="no_such_option"):
        APIRoute("/", endpoint, no_such_option=True)


def test_router_prefixes_and_include() -> None:
    router = APIRouter(prefix="/users")

    @router.get("/{uid}")
    def get_user(uid: int) -> int:
        return uid

    app = FastAPI()

    @app.post("/ping")
    def ping() -> str:
        return "pong"

    app.include_router(router, prefix="/v1")
    assert app.route_table()[4:] == [("/ping", ("POST",), 200, "ping"),
                                     ("/v1/users/{uid}", ("GET", "HEAD"), 200, "get_user")]
    assert app._dispatch(5, PyRawRequest(path_params={"uid": "5"})) == 5
    with pytest.raises(ValueError, match="prefix"):
        APIRouter(prefix="users/")


def test_route_table_rows() -> None:
    app = FastAPI()

    @app.get("/items/{item_id}")
    def read_item(item_id: int) -> int:
        return item_id

    @app.get("/files/{file_path:path}")
    def files(file_path: str) -> str:
        return file_path

    @app.post("/created", status_code=201)
    def created() -> None: ...

    @app.delete("/gone", status_code=204)
    def gone() -> None: ...

    @app.api_route("/multi", methods=["get", "post"])
    def multi() -> None: ...

    table = app.route_table()
    # The OpenAPI document and docs pages come first, as in FastAPI.
    assert [row[0] for row in table[:4]] == ["/openapi.json", "/docs", "/docs/oauth2-redirect",
                                             "/redoc"]
    assert table[4:] == [("/items/{item_id}", ("GET", "HEAD"), 200, "read_item"),
                         ("/files/{file_path:path}", ("GET", "HEAD"), 200, "files"),
                         ("/created", ("POST",), 201, "created"),
                         ("/gone", ("DELETE",), 204, "gone"),
                         ("/multi", ("GET", "POST", "HEAD"), 200, "multi")]


def test_every_method_decorator() -> None:
    app = FastAPI()
    for method in ("get", "post", "put", "patch", "delete", "options", "head", "trace"):
        getattr(app, method)(f"/{method}")(lambda: None)
    assert [route.methods for route in app.routes] == [
        {m} for m in ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "TRACE")]
    assert app.router is app
