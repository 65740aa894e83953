"""The built-in middleware (fasterapi.middleware), run in Go, against a live server over
HTTP/1.1 and HTTP/2, and against Starlette's own middleware for the same apps
(tests/apps/diff/middleware_app.py) served by uvicorn from the reference venv
(diff_support.py)."""

from __future__ import annotations

import gzip
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from diff_support import ServerPair

from fasterapi.testing import LiveServer, free_port

ROOT = Path(tempfile.mkdtemp(prefix="fasterapi-mw-"))
(ROOT / "small.txt").write_bytes(b"small file " * 200)  # 2,200 bytes: one whole body
(ROOT / "large.txt").write_bytes(b"".join(b"line %d of a large file\n" % i for i in range(8000)))
(ROOT / "tiny.txt").write_bytes(b"tiny")
os.environ["MIDDLEWARE_APP_ROOT"] = str(ROOT)
APPS = ("cors", "wildcard_cors", "gzip", "hosts", "https", "stack", "python_middleware")

# Fields that say how the answer travelled, not what it is.
TRANSPORT = {"date", "server", "content-length", "transfer-encoding", "connection"}


@pytest.fixture(scope="module")
def pairs() -> Iterator[dict[str, ServerPair]]:
    """Each app under uvicorn + FastAPI and under FasterAPI, started once."""
    started: dict[str, ServerPair] = {}
    try:
        for attr in APPS:
            started[attr] = ServerPair("middleware_app", attr=attr).__enter__()
        yield started
    finally:
        for pair in started.values():
            pair.__exit__()


@pytest.fixture(scope="module")
def servers(pairs: dict[str, ServerPair]) -> dict[str, LiveServer]:
    return {attr: pair.ours for attr, pair in pairs.items()}


class Answer:
    """A response with its body as sent (`raw`) and with its coding undone (`content`)."""

    def __init__(self, response: httpx.Response, raw: bytes) -> None:
        self.status_code = response.status_code
        self.headers = response.headers
        self.raw = raw
        self.content = decode(response.headers.get("content-encoding"), raw)

    @property
    def text(self) -> str:
        return self.content.decode()

    def json(self) -> Any:
        return json.loads(self.content)


def decode(coding: str | None, raw: bytes) -> bytes:
    if coding == "gzip":
        return gzip.decompress(raw)
    if coding == "br":
        import brotli  # type: ignore[import-not-found, import-untyped, unused-ignore]
        return bytes(brotli.decompress(raw))
    if coding == "zstd":
        import zstandard  # type: ignore[import-not-found, import-untyped, unused-ignore]
        return bytes(zstandard.ZstdDecompressor().decompressobj().decompress(raw))
    return raw


def fetch(client: httpx.Client, method: str, path: str, headers: dict[str, str]) -> Answer:
    with client.stream(method, path, headers=headers, follow_redirects=False) as response:
        return Answer(response, b"".join(response.iter_raw()))


def fields(answer: Answer) -> list[tuple[str, str]]:
    return sorted((k.lower(), v) for k, v in answer.headers.multi_items()
                  if k.lower() not in TRANSPORT)


def get(server: LiveServer, method: str, path: str, *, http2: bool = False,
        **headers: str) -> Answer:
    hdrs = {k.replace("_", "-"): v for k, v in headers.items()}
    hdrs.setdefault("accept-encoding", "identity")
    with httpx.Client(base_url=server.url, http1=not http2, http2=http2, timeout=15) as client:
        return fetch(client, method, path, hdrs)


# ---- CORS ------------------------------------------------------------------------------

def test_preflight_allowed_and_refused(servers: dict[str, LiveServer]) -> None:
    s = servers["cors"]
    ok = get(s, "OPTIONS", "/small", origin="https://a.example",
             access_control_request_method="POST", access_control_request_headers="x-key, Accept")
    assert (ok.status_code, ok.text) == (200, "OK")
    assert ok.headers["access-control-allow-origin"] == "https://a.example"
    assert ok.headers["access-control-allow-methods"] == "GET, POST"
    assert ok.headers["access-control-max-age"] == "123"
    assert ok.headers["access-control-allow-credentials"] == "true"
    assert ok.headers["access-control-allow-headers"] == (
        "Accept, Accept-Language, Content-Language, Content-Type, X-Key")
    assert ok.headers["content-type"] == "text/plain; charset=utf-8"
    bad = get(s, "OPTIONS", "/small", origin="https://evil.example",
              access_control_request_method="DELETE", access_control_request_headers="x-other")
    assert (bad.status_code, bad.text) == (400, "Disallowed CORS origin, method, headers")
    assert "access-control-allow-origin" not in bad.headers


def test_simple_requests_echo_allowed_origins_and_vary(servers: dict[str, LiveServer]) -> None:
    s = servers["cors"]
    for origin in ("https://a.example", "https://x.b.example"):
        r = get(s, "GET", "/small", origin=origin)
        assert r.headers["access-control-allow-origin"] == origin
        assert r.headers["access-control-allow-credentials"] == "true"
        assert r.headers["access-control-expose-headers"] == "X-Out, X-Other"
        assert r.headers["vary"] == "Origin"
    r = get(s, "GET", "/small", origin="https://evil.example")
    assert "access-control-allow-origin" not in r.headers and r.headers["vary"] == "Origin"
    r = get(s, "GET", "/vary", origin="https://a.example")
    assert r.headers["vary"] == "Cookie, Origin"
    # The server's own answers get them too: 404 and 405.
    r = get(s, "GET", "/nowhere", origin="https://a.example")
    assert r.status_code == 404 and r.headers["access-control-allow-origin"] == "https://a.example"
    r = get(s, "DELETE", "/small", origin="https://a.example")
    assert r.status_code == 405 and r.headers["vary"] == "Origin"


def test_wildcard_with_credentials_echoes_and_private_network(
        servers: dict[str, LiveServer]) -> None:
    s = servers["wildcard_cors"]
    r = get(s, "OPTIONS", "/small", origin="https://any.example",
            access_control_request_method="QUERY", access_control_request_headers="X-Whatever",
            access_control_request_private_network="true")
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == "*"
    assert r.headers["access-control-allow-headers"] == "X-Whatever"
    assert r.headers["access-control-allow-private-network"] == "true"
    r = get(s, "GET", "/small", origin="https://any.example")
    assert r.headers["access-control-allow-origin"] == "*"


# ---- GZip, zstd, brotli ----------------------------------------------------------------

@pytest.mark.parametrize("http2", [False, True])
def test_gzip_compresses_large_answers_and_leaves_small_ones(
        servers: dict[str, LiveServer], http2: bool) -> None:
    s = servers["gzip"]
    plain = get(s, "GET", "/big", http2=http2)
    assert plain.headers["vary"] == "Accept-Encoding" and "content-encoding" not in plain.headers
    r = get(s, "GET", "/big", http2=http2, accept_encoding="gzip")
    assert r.headers["content-encoding"] == "gzip" and r.headers["vary"] == "Accept-Encoding"
    assert r.content == plain.content
    assert int(r.headers["content-length"]) < len(plain.content)
    small = get(s, "GET", "/small", http2=http2, accept_encoding="gzip")
    assert "content-encoding" not in small.headers and "vary" not in small.headers
    for path in ("/events", "/encoded", "/png"):
        r = get(s, "GET", path, http2=http2, accept_encoding="gzip")
        assert r.headers.get("content-encoding") in (None, "x-custom"), path
        assert "vary" not in r.headers, path


@pytest.mark.parametrize("http2", [False, True])
def test_streams_are_compressed_piece_by_piece(servers: dict[str, LiveServer], http2: bool) -> None:
    s = servers["gzip"]
    plain = get(s, "GET", "/stream", http2=http2)
    r = get(s, "GET", "/stream", http2=http2, accept_encoding="gzip")
    assert r.headers["content-encoding"] == "gzip" and "content-length" not in r.headers
    assert r.content == plain.content and plain.content.startswith(b"piece 0 ")
    empty = get(s, "GET", "/empty-stream", http2=http2, accept_encoding="gzip")
    assert empty.content == b"" and "content-encoding" not in empty.headers


@pytest.mark.parametrize("http2", [False, True])
def test_files_are_compressed_whole_or_as_they_are_sent(
        servers: dict[str, LiveServer], http2: bool) -> None:
    s = servers["gzip"]
    for name in ("small.txt", "large.txt"):
        expected = (ROOT / name).read_bytes()
        r = get(s, "GET", f"/file/{name}", http2=http2, accept_encoding="gzip")
        assert r.headers["content-encoding"] == "gzip", name
        assert r.content == expected, name
        assert ("content-length" in r.headers) == (name == "small.txt")
        ranged = get(s, "GET", f"/file/{name}", http2=http2, accept_encoding="gzip",
                     range="bytes=0-9")
        assert ranged.status_code == 206 and ranged.content == expected[:10]
        assert "content-encoding" not in ranged.headers
        head = get(s, "HEAD", f"/file/{name}", http2=http2, accept_encoding="gzip")
        assert "content-encoding" not in head.headers
        assert head.headers["content-length"] == str(len(expected))
    tiny = get(s, "GET", "/file/tiny.txt", http2=http2, accept_encoding="gzip")
    assert tiny.content == b"tiny" and "vary" not in tiny.headers


@pytest.mark.parametrize("coding", ["zstd", "br"])
def test_zstd_and_brotli_when_the_client_prefers_them(
        servers: dict[str, LiveServer], coding: str) -> None:
    pytest.importorskip({"zstd": "zstandard", "br": "brotli"}[coding])
    s = servers["gzip"]
    plain = get(s, "GET", "/big").content
    r = get(s, "GET", "/big", accept_encoding=f"gzip;q=0.5, {coding}")
    assert r.headers["content-encoding"] == coding and r.content == plain
    stream = get(s, "GET", "/stream", accept_encoding=coding)
    assert stream.headers["content-encoding"] == coding
    assert stream.content == get(s, "GET", "/stream").content
    large = get(s, "GET", "/file/large.txt", accept_encoding=coding, http2=True)
    assert large.content == (ROOT / "large.txt").read_bytes()
    r = get(s, "GET", "/big", accept_encoding=f"{coding};q=0.1, gzip")
    assert r.headers["content-encoding"] == "gzip"
    r = get(s, "GET", "/big", accept_encoding="gzip;q=0")
    assert "content-encoding" not in r.headers


# ---- TrustedHost, HTTPSRedirect ---------------------------------------------------------

@pytest.mark.parametrize("http2", [False, True])
def test_trusted_host(servers: dict[str, LiveServer], http2: bool) -> None:
    s = servers["hosts"]
    assert get(s, "GET", "/small", http2=http2, host="example.com").status_code == 200
    assert get(s, "GET", "/small", http2=http2, host="api.example.org:8080").status_code == 200
    bad = get(s, "GET", "/small", http2=http2, host="evil.example")
    assert (bad.status_code, bad.text) == (400, "Invalid host header")
    bad = get(s, "GET", "/small", http2=http2, host="example.com/x")
    assert bad.status_code == 400
    r = get(s, "GET", "/a%20b?q=1", http2=http2, host="redirect.example:8000")
    assert r.status_code == 307
    assert r.headers["location"] == "http://www.redirect.example:8000/a%20b?q=1"


@pytest.mark.parametrize("http2", [False, True])
def test_https_redirect(servers: dict[str, LiveServer], http2: bool) -> None:
    s = servers["https"]
    r = get(s, "GET", "/small?x=1", http2=http2, host="example.com:80")
    assert (r.status_code, r.headers["location"]) == (307, "https://example.com/small?x=1")
    r = get(s, "GET", "/small", http2=http2, host="Example.com:8080")
    assert r.headers["location"] == "https://Example.com:8080/small"
    assert r.content == b"" and "content-type" not in r.headers


def test_order_of_the_stack(servers: dict[str, LiveServer]) -> None:
    s = servers["stack"]
    bad = get(s, "GET", "/big", host="evil.example", origin="https://a.example")
    assert bad.status_code == 400
    assert bad.headers["access-control-allow-origin"] == "https://a.example"
    r = get(s, "GET", "/big", host="example.com", origin="https://a.example",
            accept_encoding="gzip")
    assert r.headers["vary"] == "Accept-Encoding, Origin"
    pre = get(s, "OPTIONS", "/big", host="evil.example", origin="https://a.example",
              access_control_request_method="GET")
    assert pre.status_code == 200  # CORS is outside TrustedHost: it answers first


# ---- Python HTTP middleware see the server's own answers -------------------------------

@pytest.mark.parametrize("http2", [False, True])
def test_python_middleware_see_404_405_and_307(servers: dict[str, LiveServer], http2: bool) -> None:
    s = servers["python_middleware"]
    r = get(s, "GET", "/nowhere", http2=http2)
    assert (r.status_code, r.json()) == (404, {"detail": "Not Found"})
    assert r.headers["x-seen"] == "GET /nowhere 404"
    r = get(s, "GET", "/echo", http2=http2)
    assert (r.status_code, r.json()) == (405, {"custom": 405})
    assert r.headers["allow"] == "POST" and r.headers["x-seen"] == "GET /echo 405"
    r = get(s, "GET", "/trailing?a=1", http2=http2)
    assert r.status_code == 307 and r.headers["location"].endswith("/trailing/?a=1")
    assert r.headers["x-seen"] == "GET /trailing 307"
    r = get(s, "GET", "/nowhere", http2=http2, accept_encoding="gzip")
    assert r.headers["content-encoding"] == "gzip" and r.headers["x-seen"] == "GET /nowhere 404"


# ---- The same apps under FastAPI and Starlette's middleware ----------------------------

CASES: list[tuple[str, str, str, dict[str, str]]] = [
    ("cors", "OPTIONS", "/small", {"origin": "https://a.example",
                                   "access-control-request-method": "GET"}),
    ("cors", "OPTIONS", "/small", {"origin": "https://q.b.example",
                                   "access-control-request-method": "PUT",
                                   "access-control-request-headers": "X-Key,Nope"}),
    ("cors", "OPTIONS", "/small", {"origin": "https://a.example",
                                   "access-control-request-method": "GET",
                                   "access-control-request-private-network": "true"}),
    ("cors", "GET", "/small", {"origin": "https://a.example"}),
    ("cors", "GET", "/vary", {"origin": "https://nope.example"}),
    ("cors", "GET", "/nowhere", {"origin": "https://a.example"}),
    ("cors", "OPTIONS", "/nowhere", {"origin": "https://a.example"}),
    ("cors", "GET", "/echo", {"origin": "https://a.example"}),
    ("wildcard_cors", "OPTIONS", "/big", {"origin": "https://z.example",
                                          "access-control-request-method": "PATCH",
                                          "access-control-request-headers": "A, B"}),
    ("wildcard_cors", "GET", "/small", {"origin": "https://z.example"}),
    ("gzip", "GET", "/big", {"accept-encoding": "gzip"}),
    ("gzip", "GET", "/big", {"accept-encoding": "identity"}),
    ("gzip", "GET", "/small", {"accept-encoding": "gzip"}),
    ("gzip", "GET", "/vary", {"accept-encoding": "gzip"}),
    ("gzip", "GET", "/stream", {"accept-encoding": "gzip"}),
    ("gzip", "GET", "/stream", {"accept-encoding": "identity"}),
    ("gzip", "GET", "/empty-stream", {"accept-encoding": "gzip"}),
    ("gzip", "GET", "/events", {"accept-encoding": "gzip"}),
    ("gzip", "GET", "/encoded", {"accept-encoding": "gzip"}),
    ("gzip", "GET", "/png", {"accept-encoding": "gzip"}),
    ("gzip", "GET", "/file/small.txt", {"accept-encoding": "gzip"}),
    ("gzip", "GET", "/file/large.txt", {"accept-encoding": "gzip"}),
    ("gzip", "GET", "/file/large.txt", {"accept-encoding": "gzip", "range": "bytes=5-20"}),
    ("gzip", "GET", "/file/tiny.txt", {"accept-encoding": "gzip"}),
    ("gzip", "GET", "/nowhere", {"accept-encoding": "gzip"}),
    ("hosts", "GET", "/small", {"host": "example.com"}),
    ("hosts", "GET", "/small", {"host": "a.b.example.org"}),
    ("hosts", "GET", "/small", {"host": "example.org"}),
    ("hosts", "GET", "/small", {"host": "[::1]:80"}),
    ("hosts", "GET", "/x%2Fy%20z?a=%20b", {"host": "redirect.example"}),
    ("https", "GET", "/small?q=1", {"host": "example.com"}),
    ("https", "GET", "/small", {"host": "example.com:443"}),
    ("https", "GET", "/caf%C3%A9", {"host": "example.com:8443"}),
    ("stack", "GET", "/big", {"host": "evil.example", "origin": "https://a.example"}),
    ("stack", "GET", "/big", {"host": "example.com", "origin": "https://a.example",
                              "accept-encoding": "gzip"}),
    ("stack", "OPTIONS", "/big", {"host": "evil.example", "origin": "https://a.example",
                                  "access-control-request-method": "GET"}),
    ("python_middleware", "GET", "/nowhere", {"accept-encoding": "gzip"}),
    ("python_middleware", "GET", "/echo", {}),
    ("python_middleware", "GET", "/trailing", {"host": "example.com"}),
]


@pytest.mark.parametrize(("app", "method", "path", "headers"), CASES)
def test_same_answers_as_starlette(pairs: dict[str, ServerPair], app: str, method: str,
                                   path: str, headers: dict[str, str]) -> None:
    # The Host FastAPI's TestClient would send, unless the case names one: the two servers
    # listen on different ports, which redirects would otherwise carry.
    headers = {"accept-encoding": "identity", "host": "127.0.0.1", **headers}
    as_kwargs = {k.replace("-", "_"): v for k, v in headers.items()}
    expected = get(pairs[app].reference, method, path, **as_kwargs)
    ours = get(pairs[app].ours, method, path, **as_kwargs)
    assert ours.status_code == expected.status_code
    assert fields(ours) == fields(expected)
    assert ours.content == expected.content
    if "content-length" in expected.headers and "content-encoding" not in expected.headers:
        assert ours.headers["content-length"] == expected.headers["content-length"]


def test_add_middleware_refuses_asgi_middleware_and_bad_options() -> None:
    from fasterapi import FastAPI
    from fasterapi.middleware.cors import CORSMiddleware
    from fasterapi.middleware.gzip import GZipMiddleware
    from fasterapi.middleware.trustedhost import TrustedHostMiddleware

    class Timing:
        def __init__(self, app: Any) -> None:
            self.app = app

    app = FastAPI()
    with pytest.raises(TypeError, match=r"does not run ASGI middleware.*@app.middleware"):
        app.add_middleware(Timing)
    with pytest.raises(TypeError, match="allow_origin"):
        app.add_middleware(CORSMiddleware, allow_origin=["x"])
    with pytest.raises(TypeError, match=r"allow_origins=.*list of strings"):
        app.add_middleware(CORSMiddleware, allow_origins="https://a.example")
    with pytest.raises(ValueError, match="compresslevel"):
        app.add_middleware(GZipMiddleware, compresslevel=11)
    with pytest.raises(AssertionError, match="Domain wildcard"):
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=["a.*.com"])
    assert app.host_table()["app"]["middleware"] == []


def test_a_regex_go_cannot_compile_stops_the_server_with_a_clear_error(tmp_path: Path) -> None:
    from e2e_support import run_cli

    (tmp_path / "lookahead.py").write_text(
        "from fasterapi import FastAPI\n"
        "from fasterapi.middleware.cors import CORSMiddleware\n"
        "app = FastAPI()\n"
        "app.add_middleware(CORSMiddleware, allow_origin_regex=r'https://(?!evil).*')\n")
    result = run_cli(["routes", "lookahead:app", "--app-dir", str(tmp_path)])
    assert result.returncode == 0  # `routes` does not build the server
    result = run_cli(["serve", "lookahead:app", "--app-dir", str(tmp_path), "--port",
                      str(free_port())])
    assert result.returncode != 0
    assert "allow_origin_regex" in result.stderr and "RE2" in result.stderr

