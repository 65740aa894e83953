"""`_dispatch`: every outcome of a request becomes a response, never an exception."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from fasterapi import FastAPI, FasterAPI, HTTPException, Request
from fasterapi._raw import PyRawRequest
from fasterapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fasterapi.exceptions import RequestValidationError
from fasterapi.responses import JSONResponse, PlainTextResponse, Response


class Boom(Exception):
    pass


class SubBoom(Boom):
    pass


def test_fastapi_alias_and_metadata() -> None:
    assert FastAPI is FasterAPI
    app = FastAPI(title="T", version="2", description="d", openapi_url=None)
    assert (app.title, app.version, app.description) == ("T", "2", "d")
    assert app.openapi_url is None and app.extra == {}
    app.state.db = "x"
    assert app.state.db == "x"
    assert repr(app) == "<FasterAPI title='T' routes=0>"


def test_plain_value_and_validation_error() -> None:
    app = FastAPI()

    @app.get("/items/{item_id}")
    def read(item_id: int) -> dict[str, int]:
        return {"item_id": item_id}

    assert app._dispatch(0, PyRawRequest(path_params={"item_id": "3"})) == {"item_id": 3}
    response = app._dispatch(0, PyRawRequest(path_params={"item_id": "x"}))
    assert isinstance(response, JSONResponse) and response.status_code == 422
    assert response.body == (
        b'{"detail":[{"type":"int_parsing","loc":["path","item_id"],"msg":"Input should be a '
        b'valid integer, unable to parse string as an integer","input":"x"}]}')


def test_http_exceptions() -> None:
    app = FastAPI()

    @app.get("/")
    def handler(code: int) -> None:
        raise HTTPException(code, headers={"X-A": "b"})

    not_found = app._dispatch(0, PyRawRequest(query_string=b"code=404"))
    assert isinstance(not_found, JSONResponse)
    assert not_found.body == b'{"detail":"Not Found"}'
    assert not_found.raw_headers == [(b"x-a", b"b"), (b"content-type", b"application/json")]
    not_modified = app._dispatch(0, PyRawRequest(query_string=b"code=304"))
    assert isinstance(not_modified, Response) and not_modified.body == b""
    assert not_modified.raw_headers == [(b"x-a", b"b")]


def test_crash_is_logged_and_answered_with_500(caplog: pytest.LogCaptureFixture) -> None:
    app = FastAPI()

    @app.get("/")
    def handler() -> None:
        raise Boom("kaput")

    with caplog.at_level(logging.ERROR, logger="fasterapi.error"):
        response = app._dispatch(0, PyRawRequest(method="GET", path="/"))
    assert isinstance(response, PlainTextResponse)
    assert (response.status_code, response.body) == (500, b"Internal Server Error")
    assert caplog.records[0].name == "fasterapi.error"
    assert "GET /" in caplog.records[0].getMessage()
    assert caplog.records[0].exc_info is not None and caplog.records[0].exc_info[0] is Boom


def test_bad_route_index_is_a_500(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="fasterapi.error"):
        response = FastAPI()._dispatch(5, PyRawRequest())
    assert isinstance(response, Response) and response.status_code == 500


def test_unencodable_422_becomes_500(caplog: pytest.LogCaptureFixture) -> None:
    app = FastAPI()

    @app.post("/")
    def handler(data: dict[str, int]) -> None: ...

    raw = PyRawRequest(method="POST", body=b'{"a": NaN}',
                       headers=[(b"content-type", b"application/json")])
    with caplog.at_level(logging.ERROR, logger="fasterapi.error"):
        response = app._dispatch(0, raw)
    assert isinstance(response, Response) and response.status_code == 500


def test_custom_exception_handlers() -> None:
    app = FastAPI()
    seen: list[Any] = []

    @app.exception_handler(Boom)
    def boom(request: Request, exc: Boom) -> Response:
        seen.append(request.url.path)
        return PlainTextResponse(type(exc).__name__, status_code=409)

    @app.exception_handler(404)
    async def not_found(request: Request, exc: HTTPException) -> Response:
        return await http_exception_handler(request, HTTPException(410))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        response = await request_validation_exception_handler(request, exc)
        response.status_code = 400
        return response

    @app.get("/")
    def handler(kind: str) -> None:
        if kind == "sub":
            raise SubBoom()
        if kind == "404":
            raise HTTPException(404)
        raise HTTPException(403)

    def call(query: bytes) -> Any:
        return app._dispatch(0, PyRawRequest(path="/h", query_string=query))

    assert call(b"kind=sub").body == b"SubBoom"
    assert seen == ["/h"]
    assert call(b"kind=404").status_code == 410
    assert call(b"kind=403").status_code == 403
    invalid_response = call(b"")
    assert invalid_response.status_code == 400 and b"missing" in invalid_response.body


def test_catch_all_handler_runs_after_logging(caplog: pytest.LogCaptureFixture) -> None:
    app = FastAPI(exception_handlers={
        Exception: lambda request, exc: PlainTextResponse("sorry", status_code=503)})

    @app.get("/")
    def handler() -> None:
        raise Boom()

    @app.get("/missing")
    def missing() -> None:
        raise HTTPException(404)

    with caplog.at_level(logging.ERROR, logger="fasterapi.error"):
        response = app._dispatch(0, PyRawRequest())
        assert isinstance(response, Response) and response.body == b"sorry"
        assert len(caplog.records) == 1
        # HTTPException keeps its own answer; the catch-all is for crashes only.
        not_found = app._dispatch(1, PyRawRequest())
        assert isinstance(not_found, Response) and not_found.status_code == 404


def test_broken_exception_handler_gives_500(caplog: pytest.LogCaptureFixture) -> None:
    app = FastAPI()
    app.add_exception_handler(Boom, lambda request, exc: "not a response")

    @app.get("/")
    def handler() -> None:
        raise Boom()

    with caplog.at_level(logging.ERROR, logger="fasterapi.error"):
        response = app._dispatch(0, PyRawRequest())
    assert isinstance(response, Response) and response.status_code == 500
    assert "not a Response" in caplog.text


def test_async_handlers_run_to_completion() -> None:
    app = FastAPI()

    @app.get("/")
    async def handler(n: int) -> int:
        import asyncio

        await asyncio.sleep(0)
        return n * 2

    assert app._dispatch(0, PyRawRequest(query_string=b"n=21")) == 42
    assert app._dispatch(0, PyRawRequest(query_string=b"n=1")) == 2
