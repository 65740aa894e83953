"""Response objects: body bytes and raw headers as the host sends them."""

from __future__ import annotations

import datetime

import pytest

from fasterapi.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)


def test_plain_response() -> None:
    response = Response("héllo", status_code=201, headers={"X-A": "1"}, media_type="text/csv")
    assert response.status_code == 201
    assert response.body == "héllo".encode()
    assert response.raw_headers == [(b"x-a", b"1"), (b"content-type", b"text/csv; charset=utf-8")]
    assert Response(b"x").raw_headers == []
    assert Response().body == b""


def test_content_length_is_never_set() -> None:
    response = Response(b"x", headers={"Content-Length": "99"})
    assert response.raw_headers == []


def test_explicit_content_type_is_kept() -> None:
    response = PlainTextResponse("é", headers={"content-type": "text/foo"})
    assert response.raw_headers == [(b"content-type", b"text/foo")]


def test_subclasses() -> None:
    assert JSONResponse({"é": [1, None]}).body == '{"é":[1,null]}'.encode()
    assert JSONResponse(None).raw_headers == [(b"content-type", b"application/json")]
    assert PlainTextResponse("x").raw_headers == [
        (b"content-type", b"text/plain; charset=utf-8")]
    assert HTMLResponse("<p>").raw_headers == [(b"content-type", b"text/html; charset=utf-8")]
    with pytest.raises(ValueError, match="Out of range float"):
        JSONResponse(float("nan"))
    with pytest.raises(TypeError):
        HTMLResponse({"a": 1})


def test_redirect_quotes_location() -> None:
    response = RedirectResponse("/a b?x=ü")
    assert response.status_code == 307 and response.body == b""
    assert response.raw_headers == [(b"location", b"/a%20b?x=%C3%BC")]
    assert RedirectResponse("/", status_code=302).status_code == 302


def test_headers_view_edits_raw_headers() -> None:
    response = JSONResponse({})
    response.headers["X-Trace"] = "1"
    response.headers["content-type"] = "application/problem+json"
    assert response.raw_headers == [(b"content-type", b"application/problem+json"),
                                    (b"x-trace", b"1")]


def test_cookies() -> None:
    response = Response()
    response.set_cookie("session", "v w", max_age=10, httponly=True, samesite="strict")
    response.set_cookie("k", "x", path=None, samesite=None, secure=True, domain="example.com")
    response.set_cookie("when", "1", expires=datetime.datetime(2030, 1, 2, tzinfo=datetime.UTC))
    response.delete_cookie("gone")
    cookies = [v.decode() for k, v in response.raw_headers if k == b"set-cookie"]
    assert cookies[0] == 'session="v w"; HttpOnly; Max-Age=10; Path=/; SameSite=strict'
    assert cookies[1] == "k=x; Domain=example.com; Secure"
    assert cookies[2] == "when=1; expires=Wed, 02 Jan 2030 00:00:00 GMT; Path=/; SameSite=lax"
    assert cookies[3].startswith('gone=""; expires=') and "Max-Age=0" in cookies[3]
    with pytest.raises(ValueError, match="samesite"):
        response.set_cookie("k", samesite="bad")  # type: ignore[arg-type]
