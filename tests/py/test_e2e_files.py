"""FileResponse and StaticFiles against a live server (tests/apps/files_app.py).

Checked by hand against FastAPI 0.12x / Starlette 0.4x under uvicorn, with the same app and
files: status, body and every header but date/server match (ETag included: it is Starlette's
MD5 of "st_mtime-st_size", so caches survive a switch), except these deliberate differences:

- Header order: the host writes content-length first.
- FileResponse answers If-None-Match / If-Modified-Since with 304 and If-Match /
  If-Unmodified-Since with 412 (RFC 9110 §13.2.2); Starlette evaluates preconditions only
  in StaticFiles and sends a FileResponse whole.
- A Range field with another unit or bad syntax is ignored (200, whole file); Starlette
  answers 400 "Malformed range header.".
- A request path with a NUL byte under a mount is a 404; Starlette fails with a 500.
- StaticFiles(packages=...) is not supported.
"""

from __future__ import annotations

import hashlib
import os
import socket
import time
from collections.abc import Iterator
from email.utils import formatdate
from pathlib import Path

import httpx
import pytest
from e2e_support import APPS_DIR

from fasterapi.testing import LiveServer

BIG_SIZE = 50 * 1024 * 1024


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("files")
    public = base / "public"
    (public / "sub").mkdir(parents=True)
    (base / "site" / "docs").mkdir(parents=True)
    (public / "hello.txt").write_bytes(b"hello world\n")
    (public / "style.css").write_bytes(b"body { color: red }\n")
    (public / "data.json").write_bytes(b'{"a": 1}\n')
    (public / "sub" / "inner.txt").write_bytes(b"inner\n")
    (public / "café.txt").write_bytes(b"accent\n")
    (public / "empty.txt").write_bytes(b"")
    (public / "medium.bin").write_bytes(bytes(range(256)) * 1024)  # 256 KiB: not inline
    (base / "secret.txt").write_bytes(b"secret\n")
    (public / "link-out").symlink_to("../secret.txt")
    (public / "link-in").symlink_to("hello.txt")
    (base / "site" / "index.html").write_bytes(b"<h1>home</h1>\n")
    (base / "site" / "docs" / "index.html").write_bytes(b"<h1>docs</h1>\n")
    (base / "site" / "404.html").write_bytes(b"<h1>missing</h1>\n")
    block = os.urandom(1 << 20)
    with open(base / "big.bin", "wb") as f:
        f.writelines(block[i:] + block[:i] for i in range(BIG_SIZE >> 20))
    return base


@pytest.fixture(scope="module")
def server(root: Path) -> Iterator[LiveServer]:
    env = {**os.environ, "FILES_APP_ROOT": str(root)}
    with LiveServer("files_app:app", str(APPS_DIR), extra_args=["--workers", "1"], env=env) as live:
        yield live


@pytest.fixture(scope="module")
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as c:
        yield c


def starlette_etag(path: Path) -> str:
    st = path.stat()
    return '"' + hashlib.md5(f"{st.st_mtime}-{st.st_size}".encode()).hexdigest() + '"'


def raw_get(server: LiveServer, target: str, extra: str = "") -> tuple[int, bytes]:
    """One request with a target sent byte for byte (no client-side normalisation)."""
    with socket.create_connection((server.host, server.port), timeout=10) as s:
        s.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{extra}\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    status = int(data.split(b" ", 2)[1])
    return status, data.split(b"\r\n\r\n", 1)[1]


# ---- FileResponse -------------------------------------------------------------------------

def test_file_response_headers_and_body(client: httpx.Client, root: Path) -> None:
    path = root / "public" / "hello.txt"
    r = client.get("/file/hello.txt")
    assert r.status_code == 200
    assert r.content == b"hello world\n"
    assert r.headers["content-type"] == "text/plain; charset=utf-8"
    assert r.headers["content-length"] == "12"
    assert r.headers["accept-ranges"] == "bytes"
    assert r.headers["etag"] == starlette_etag(path)
    assert r.headers["last-modified"] == formatdate(path.stat().st_mtime, usegmt=True)
    assert "content-disposition" not in r.headers
    assert client.get("/file/data.json").headers["content-type"] == "application/json"


def test_non_ascii_file_names(client: httpx.Client) -> None:
    # The interpreters run in UTF-8 mode, so FileResponse encodes the path as the file
    # system does (an ASCII file system encoding used to fail with a 500 here).
    for url in ("/file/caf%C3%A9.txt", "/static/caf%C3%A9.txt"):
        r = client.get(url)
        assert (r.status_code, r.content) == (200, b"accent\n"), url


def test_head_has_headers_and_no_body(client: httpx.Client) -> None:
    r = client.head("/file/hello.txt")
    assert (r.status_code, r.headers["content-length"], r.content) == (200, "12", b"")
    r = client.head("/static/medium.bin")
    assert (r.status_code, r.headers["content-length"], r.content) == (200, str(256 * 1024), b"")


def test_empty_file(client: httpx.Client) -> None:
    r = client.get("/file/empty.txt", headers={"range": "bytes=0-5"})
    assert (r.status_code, r.headers["content-length"], r.content) == (200, "0", b"")


def test_conditional_requests(client: httpx.Client) -> None:
    full = client.get("/file/hello.txt")
    etag, modified = full.headers["etag"], full.headers["last-modified"]
    for url in ("/file/hello.txt", "/async-file/hello.txt", "/static/hello.txt"):
        r = client.get(url, headers={"if-none-match": etag})
        assert (r.status_code, r.content) == (304, b""), url
        assert r.headers["etag"] == etag
        assert "content-length" not in r.headers and "content-type" not in r.headers
        assert client.get(url, headers={"if-none-match": f'"x", W/{etag}'}).status_code == 304
        assert client.get(url, headers={"if-none-match": '"other"'}).status_code == 200
        assert client.get(url, headers={"if-modified-since": modified}).status_code == 304
        assert client.get(url, headers={"if-modified-since": "Mon, 01 Jan 2001 00:00:00 GMT"}
                          ).status_code == 200
        # If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
        assert client.get(url, headers={"if-none-match": '"other"', "if-modified-since": modified}
                          ).status_code == 200
        assert client.get(url, headers={"if-match": '"other"'}).status_code == 412
    # Preconditions that would give 304 apply to GET and HEAD only.
    assert client.post("/file/hello.txt", headers={"if-none-match": etag}).status_code == 200


def test_user_headers_win(client: httpx.Client) -> None:
    r = client.get("/custom")
    assert r.headers["etag"] == '"custom-tag"'
    assert r.headers["content-type"] == "application/x-custom"
    assert r.headers["cache-control"] == "max-age=60"
    r = client.get("/custom", headers={"if-none-match": '"custom-tag"'})
    assert r.status_code == 304
    assert r.headers["cache-control"] == "max-age=60"


def test_status_code_is_kept_and_ranges_only_apply_to_200(client: httpx.Client) -> None:
    r = client.get("/created", headers={"range": "bytes=0-1"})
    assert (r.status_code, r.content) == (201, b"hello world\n")


def test_single_range(client: httpx.Client) -> None:
    for url in ("/file/hello.txt", "/async-file/hello.txt", "/static/hello.txt"):
        r = client.get(url, headers={"range": "bytes=2-5"})
        assert (r.status_code, r.content) == (206, b"llo "), url
        assert r.headers["content-range"] == "bytes 2-5/12"
        assert r.headers["content-length"] == "4"
        assert client.get(url, headers={"range": "bytes=-3"}).content == b"ld\n"
        assert client.get(url, headers={"range": "bytes=6-"}).content == b"world\n"


def test_range_on_a_body_sent_over_several_turns(client: httpx.Client) -> None:
    data = bytes(range(256)) * 1024
    r = client.get("/static/medium.bin", headers={"range": "bytes=1000-200000"})
    assert r.status_code == 206
    assert r.content == data[1000:200001]


def test_unsatisfiable_range(client: httpx.Client) -> None:
    r = client.get("/file/hello.txt", headers={"range": "bytes=50-"})
    assert (r.status_code, r.content) == (416, b"")
    assert r.headers["content-range"] == "bytes */12"


def multipart_body(boundary: str, content_type: str, size: int,
                   parts: list[tuple[int, bytes]]) -> bytes:
    """Starlette's multipart/byteranges layout."""
    out = b""
    for start, data in parts:
        out += (f"--{boundary}\r\nContent-Type: {content_type}\r\n"
                f"Content-Range: bytes {start}-{start + len(data) - 1}/{size}\r\n\r\n").encode()
        out += data + b"\r\n"
    return out + f"--{boundary}--".encode()


@pytest.mark.parametrize("http2", [False, True])
def test_multiple_ranges(server: LiveServer, http2: bool) -> None:
    data = bytes(range(256)) * 1024
    with httpx.Client(base_url=server.url, http1=not http2, http2=http2, timeout=30) as c:
        r = c.get("/file/hello.txt", headers={"range": "bytes=6-, 0-1"})
        assert r.status_code == 206
        boundary = r.headers["content-type"].removeprefix("multipart/byteranges; boundary=")
        assert len(boundary) == 26
        assert r.content == multipart_body(boundary, "text/plain; charset=utf-8", 12,
                                           [(0, b"he"), (6, b"world\n")])
        assert r.headers["content-length"] == str(len(r.content))
        # A body larger than one turn: parts go out over several turns (sendfile between).
        r = c.get("/static/medium.bin", headers={"range": "bytes=10-99999,-100000"})
        boundary = r.headers["content-type"].removeprefix("multipart/byteranges; boundary=")
        assert r.content == multipart_body(boundary, "application/octet-stream", len(data),
                                           [(10, data[10:100000]), (len(data) - 100000,
                                                                    data[-100000:])])
        r = c.head("/static/medium.bin", headers={"range": "bytes=0-0,5-5"})
        assert (r.status_code, r.content) == (206, b"")
        assert int(r.headers["content-length"]) > 2


def test_ignored_ranges_send_the_whole_file(client: httpx.Client) -> None:
    for spec in ("items=0-1", "bytes=5-2", "bytes=x"):
        r = client.get("/file/hello.txt", headers={"range": spec})
        assert (r.status_code, r.content) == (200, b"hello world\n"), spec
    # Overlapping ranges merge into one.
    r = client.get("/file/hello.txt", headers={"range": "bytes=0-3,2-5"})
    assert (r.status_code, r.content) == (206, b"hello ")


def test_if_range(client: httpx.Client) -> None:
    full = client.get("/file/hello.txt")
    r = client.get("/file/hello.txt", headers={"range": "bytes=0-1", "if-range": full.headers["etag"]})
    assert r.status_code == 206
    r = client.get("/file/hello.txt", headers={"range": "bytes=0-1",
                                                "if-range": full.headers["last-modified"]})
    assert r.status_code == 206
    r = client.get("/file/hello.txt", headers={"range": "bytes=0-1", "if-range": '"stale"'})
    assert (r.status_code, r.content) == (200, b"hello world\n")


def test_content_disposition(client: httpx.Client) -> None:
    r = client.get("/download")
    assert r.headers["content-disposition"] == (
        "attachment; filename*=utf-8''r%C3%A9sum%C3%A9%202024.txt")
    r = client.get("/download", params={"name": "report.txt", "inline": "1"})
    assert r.headers["content-disposition"] == 'inline; filename="report.txt"'
    assert r.content == b"hello world\n"


def test_missing_file_is_a_logged_500(client: httpx.Client, server: LiveServer,
                                      root: Path) -> None:
    r = client.get("/missing")
    assert (r.status_code, r.text) == (500, "Internal Server Error")
    expected = f"File at path {root / 'no-such-file.txt'} does not exist."
    deadline = time.monotonic() + 5
    while expected not in server.stderr_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert expected in server.stderr_text()
    assert client.get("/file/hello.txt").status_code == 200  # the connection still serves


# ---- StaticFiles ----------------------------------------------------------------------------

def test_static_files(client: httpx.Client, root: Path) -> None:
    r = client.get("/static/style.css")
    assert (r.status_code, r.content) == (200, b"body { color: red }\n")
    assert r.headers["content-type"] == "text/css; charset=utf-8"
    assert r.headers["etag"] == starlette_etag(root / "public" / "style.css")
    assert client.get("/static/sub/inner.txt").content == b"inner\n"
    assert client.get("/static/link-in").content == b"hello world\n"  # a link inside is fine


def test_static_errors(client: httpx.Client) -> None:
    r = client.get("/static/nope.txt")
    assert (r.status_code, r.json()) == (404, {"detail": "Not Found"})
    assert client.get("/static/sub").status_code == 404  # a directory without html=True
    r = client.post("/static/hello.txt")
    assert (r.status_code, r.json()) == (405, {"detail": "Method Not Allowed"})
    assert r.headers["allow"] == "GET, HEAD"
    assert client.get("/static", follow_redirects=False).status_code == 307


def test_route_under_a_mount_wins(client: httpx.Client) -> None:
    assert client.get("/static/special").json() == {"route": True}


def test_static_html(client: httpx.Client, server: LiveServer) -> None:
    r = client.get("/site/", follow_redirects=False)
    assert (r.status_code, r.content) == (200, b"<h1>home</h1>\n")
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    r = client.get("/site/docs", follow_redirects=False)
    assert r.status_code == 307
    assert r.headers["location"] == f"{server.url}/site/docs/"
    assert client.get("/site/docs/").content == b"<h1>docs</h1>\n"
    r = client.get("/site/nope")
    assert (r.status_code, r.content) == (404, b"<h1>missing</h1>\n")


@pytest.mark.parametrize("target", [
    "/static/../secret.txt",
    "/static/%2e%2e/secret.txt",
    "/static/%2E%2E/secret.txt",
    "/static/..%2fsecret.txt",
    "/static/sub/..%2f..%2fsecret.txt",
    "/static/sub/../../secret.txt",
    "/static//../secret.txt",
    "/static/link-out",
    "/static/%00",
])
def test_traversal_is_refused(server: LiveServer, target: str) -> None:
    status, body = raw_get(server, target)
    assert status == 404, target
    assert b"secret" not in body


def test_http10_keep_alive_with_files(server: LiveServer) -> None:
    with socket.create_connection((server.host, server.port), timeout=10) as s:
        s.sendall(b"GET /static/medium.bin HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
                  b"GET /file/hello.txt HTTP/1.0\r\n\r\n")
        data = b""
        while chunk := s.recv(1 << 20):
            data += chunk
    first, rest = data.split(b"\r\n\r\n", 1)
    assert first.startswith(b"HTTP/1.1 200") and b"connection: keep-alive" in first.lower()
    assert rest[:256 * 1024] == bytes(range(256)) * 1024
    second, body = rest[256 * 1024:].split(b"\r\n\r\n", 1)
    assert second.startswith(b"HTTP/1.1 200") and body == b"hello world\n"


def test_pipelined_requests_after_a_file(server: LiveServer) -> None:
    request = b"GET /static/medium.bin HTTP/1.1\r\nHost: x\r\n\r\n"
    with socket.create_connection((server.host, server.port), timeout=10) as s:
        s.sendall(request + b"GET /static/special HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := s.recv(1 << 20):
            data += chunk
    first, rest = data.split(b"\r\n\r\n", 1)
    assert first.startswith(b"HTTP/1.1 200")
    assert rest[:256 * 1024] == bytes(range(256)) * 1024
    assert rest[256 * 1024:].startswith(b"HTTP/1.1 200")
    assert rest.endswith(b'{"route":true}')


# ---- large files: bounded memory ---------------------------------------------------------

def rss_kib(pid: int) -> dict[str, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0])
    return fields


def test_big_file_with_bounded_memory(client: httpx.Client, server: LiveServer,
                                      root: Path) -> None:
    assert server.process is not None
    pid = server.process.pid
    before = rss_kib(pid)
    expected = hashlib.md5((root / "big.bin").read_bytes()).hexdigest()
    digest = hashlib.md5()
    received = 0
    with client.stream("GET", "/big") as r:
        assert r.headers["content-length"] == str(BIG_SIZE)
        for i, chunk in enumerate(r.iter_raw(1 << 16)):
            digest.update(chunk)
            received += len(chunk)
            if i < 40:
                time.sleep(0.005)  # a slow reader first: the socket fills up
    assert (received, digest.hexdigest()) == (BIG_SIZE, expected)
    after = rss_kib(pid)
    # The file never enters memory: the peak grows by far less than its 50 MiB.
    assert after["VmHWM"] - before["VmRSS"] < 16 * 1024, (before, after)


def test_big_file_over_http2(server: LiveServer, root: Path) -> None:
    assert server.process is not None
    pid = server.process.pid
    before = rss_kib(pid)
    expected = hashlib.md5((root / "big.bin").read_bytes()).hexdigest()
    with httpx.Client(base_url=server.url, http1=False, http2=True, timeout=60) as h2:
        small = h2.get("/static/hello.txt", headers={"range": "bytes=0-4"})
        assert (small.http_version, small.status_code, small.content) == ("HTTP/2", 206, b"hello")
        assert h2.get("/static/nope").status_code == 404
        assert h2.get("/file/hello.txt", headers={"if-none-match": small.headers["etag"]}
                      ).status_code == 304
        r = h2.get("/async-file/hello.txt", headers={"range": "bytes=6-"})
        assert (r.status_code, r.content) == (206, b"world\n")
        assert h2.post("/static/hello.txt").headers["allow"] == "GET, HEAD"
        assert h2.get("/site/docs", follow_redirects=False).headers["location"] == (
            f"{server.url}/site/docs/")
        digest = hashlib.md5()
        with h2.stream("GET", "/big") as r:
            for chunk in r.iter_raw(1 << 16):
                digest.update(chunk)
        assert digest.hexdigest() == expected
    after = rss_kib(pid)
    assert after["VmHWM"] - before["VmRSS"] < 16 * 1024, (before, after)


def test_pooled_mode(root: Path) -> None:
    # Pooled interpreters answer through the deferred path: the request's precondition and
    # range fields must still be there when the FileResponse comes back.
    env = {**os.environ, "FILES_APP_ROOT": str(root)}
    args = ["--workers", "1", "--mode", "pooled", "--interpreters", "2"]
    with LiveServer("files_app:app", str(APPS_DIR), extra_args=args, env=env) as live, \
            httpx.Client(base_url=live.url, timeout=30) as c:
        full = c.get("/file/hello.txt")
        assert (full.status_code, full.content) == (200, b"hello world\n")
        assert c.get("/file/hello.txt", headers={"range": "bytes=0-4"}).content == b"hello"
        assert c.get("/async-file/hello.txt",
                     headers={"if-none-match": full.headers["etag"]}).status_code == 304
        assert c.get("/static/style.css").status_code == 200
