"""The Request object over a raw request."""

from __future__ import annotations

import asyncio

import pytest

from fasterapi._raw import PyRawRequest
from fasterapi.requests import Request, parse_cookie_header


def make(**raw: object) -> Request:
    return Request(PyRawRequest(**raw))  # type: ignore[arg-type]


def test_basic_attributes() -> None:
    request = make(method="POST", path="/a b", query_string=b"x=1&x=2",
                   headers=[(b"host", b"example.com"), (b"x-k", b"v")],
                   client=("10.0.0.1", 4000), path_params={"p": "v"})
    assert request.method == "POST"
    assert str(request.url) == "http://example.com/a b?x=1&x=2"
    assert request.url.path == "/a b" and request.url.query == "x=1&x=2"
    assert str(request.base_url) == "http://example.com/"
    assert request.query_params["x"] == "2"
    assert request.headers["X-K"] == "v"
    assert request.client is not None and request.client.host == "10.0.0.1"
    assert request.client.port == 4000
    assert request.path_params == {"p": "v"}
    assert repr(request) == "<Request POST /a b>"


def test_netloc_falls_back_to_server_address() -> None:
    assert str(make(server=("127.0.0.1", 80)).url) == "http://127.0.0.1/"
    assert str(make(server=("127.0.0.1", 8000)).url) == "http://127.0.0.1:8000/"
    assert str(make(server=("::1", 8000)).url) == "http://[::1]:8000/"
    assert str(make(headers=[(b"host", b"h:bad")], server=("s", 81)).url) == "http://s:81/"
    assert str(make(headers=[(b"host", b"[::1]:9")]).url) == "http://[::1]:9/"
    assert str(make(server=None, query_string=b"a=1").url) == "/?a=1"
    assert str(make(path="/x?y#z", headers=[(b"host", b"h")]).url) == "http://h/x%3Fy%23z"


def test_cookies() -> None:
    assert make(headers=[(b"cookie", b'a=1; b="x y"; c=; d; e=f=g')]).cookies == {
        "a": "1", "b": "x y", "c": "", "": "d", "e": "f=g"}
    assert make().cookies == {}
    assert parse_cookie_header('q="\\101\\"b"') == {"q": 'A"b'}


def test_body_json_and_state() -> None:
    request = make(body=b'{"k": [1]}')
    assert asyncio.run(request.body()) == b'{"k": [1]}'
    assert asyncio.run(request.json()) == {"k": [1]}
    assert asyncio.run(request.is_disconnected()) is False
    request.state.user = "u"
    assert request.state.user == "u"


async def chunks_of(request: Request) -> list[bytes]:
    return [chunk async for chunk in request.stream()]


def test_stream_yields_the_body_then_an_empty_chunk_as_starlette_does() -> None:
    request = make(body=b"abc")
    assert asyncio.run(chunks_of(request)) == [b"abc", b""]
    # The body stays readable, and streaming again gives it again (the host received it
    # whole); FastAPI allows both once it has read the body itself.
    assert asyncio.run(request.body()) == b"abc"
    assert asyncio.run(chunks_of(request)) == [b"abc", b""]
    assert asyncio.run(chunks_of(make(body=b""))) == [b""]


def test_stream_of_a_form_route_is_consumed() -> None:
    # The host parsed the form: as in Starlette once request.form() has read the stream.
    with pytest.raises(RuntimeError, match=r"^Stream consumed$"):
        asyncio.run(chunks_of(make(body=b"", body_is_form=True)))


def test_scope_is_asgi_shaped() -> None:
    scope = make(method="GET", path="/p", query_string=b"q=1").scope
    assert scope["type"] == "http" and scope["path"] == "/p"
    assert scope["query_string"] == b"q=1" and scope["root_path"] == ""


def test_nothing_is_decoded_until_used() -> None:
    request = make(headers=[(b"host", b"h")])
    assert request._headers is None and request._query_params is None and request._url is None
    _ = request.url
    assert request._url is not None
