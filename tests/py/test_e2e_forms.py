"""Forms and uploads against a live server (tests/apps/diff/forms_app.py), and the
differential cases sent to the same app under FastAPI with python-multipart (diff_support.py).

Deliberate differences from FastAPI/Starlette, not among the differential cases:
- a multipart body that ends before its closing boundary is refused (400 "Invalid
  multipart data."); python-multipart keeps the parts that were complete;
- `filename*` (RFC 8187) names a file when it comes without `filename` (Starlette ignores
  it and sees a plain field);
- transport padding (spaces) after a boundary is accepted (RFC 2046); python-multipart
  refuses it.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, Self

import httpx
import pytest
from diff_support import DIFF_APPS_DIR, Case, ServerPair, served

from fasterapi.testing import LiveServer

pair = served("forms_app", "--max-body-size", "80000000")

MULTIPART = {"content-type": "multipart/form-data; boundary=XX"}
URLENCODED = {"content-type": "application/x-www-form-urlencoded"}

# (path, name, httpx keyword arguments) of POSTs; every case is also sent to FastAPI.
CASES: list[tuple[str, str, dict[str, Any]]] = [
    ("/login", "login ok", {"data": {"username": "ann", "password": "secret", "remember": "on"}}),
    ("/login", "login multipart", {"files": {"username": (None, "ann"), "password": (None, "abc")}}),
    ("/login", "login errors", {"data": {"username": "", "password": "ab", "n": "x"}}),
    ("/login", "login json body", {"json": {"username": "ann"}}),
    ("/login", "login no body", {}),
    ("/login", "login bad bool", {"data": {"username": "a", "password": "abc", "remember": "maybe"}}),
    ("/tags", "list field", {"data": {"tag": ["a", "b", "c"]}}),
    ("/tags", "list missing", {"data": {"note": "n"}}),
    ("/profile", "form model", {"data": {"name": "ann", "age": "7", "tags": ["x", "y"]}}),
    ("/profile", "form model errors", {"data": {"name": "ann", "age": "old"}}),
    ("/point", "dataclass is one field", {"data": {"x": "1", "y": "2"}}),
    ("/upload", "upload", {"files": {"file": ("a.txt", b"hello world", "text/plain")},
                           "data": {"note": "n"}}),
    ("/upload", "upload missing", {"data": {"note": "n"}}),
    ("/upload", "upload string", {"data": {"file": "not a file"}}),
    ("/upload", "upload empty filename", {"files": {"file": ("", b"", "application/octet-stream")}}),
    ("/upload-sync", "upload sync", {"files": {"file": ("b.bin", bytes(range(256)) * 10)}}),
    ("/bytes", "bytes file", {"files": [("data", ("d", b"0123456789abc")), ("extra", ("e1", b"x")),
                                        ("extra", ("e2", b"yy"))]}),
    ("/bytes", "bytes from field", {"data": {"data": "text value"}}),
    ("/many", "many files", {"files": [("files", ("1.txt", b"a")), ("files", ("2.txt", b"bb"))],
                             "data": {"label": "L"}}),
    ("/many", "many missing", {"data": {"label": "L"}}),
    ("/optional-file", "optional absent", {"data": {"x": "1"}}),
    ("/optional-file", "optional present", {"files": {"file": ("o.txt", b"o")}}),
    ("/write", "write", {"files": {"file": ("w.txt", b"base")}}),
    ("/token", "oauth2 form", {"data": {"username": "u", "password": "p", "scope": "a b",
                                        "grant_type": "password", "client_id": "c"}}),
    ("/token", "oauth2 missing", {"data": {"username": "u"}}),
    ("/token", "oauth2 bad grant", {"data": {"username": "u", "password": "p", "grant_type": "x"}}),
    ("/token-strict", "oauth2 strict missing grant", {"data": {"username": "u", "password": "p"}}),
    ("/token-strict", "oauth2 strict", {"data": {"username": "u", "password": "p",
                                                 "grant_type": "password"}}),
    ("/raw-form", "request.form urlencoded", {"content": b"a=1&&b&c=%zz&d=x+y%20z;e=3&=v&k=&r=\xe9",
                                              "headers": URLENCODED}),
    ("/raw-form", "request.form multipart", {"files": [("f", ("a.txt", b"abc", "text/csv")),
                                                       ("g", (None, "field"))]}),
    ("/raw-form", "request.form json", {"json": {"a": 1}}),
    ("/raw-body", "raw body of a form", {"data": {"a": "1"}}),
    ("/upload", "too many fields", {"data": {f"k{i}": "v" for i in range(1001)}}),
    ("/upload", "too many files", {"files": [(f"k{i}", ("x", b"v")) for i in range(1001)]}),
    ("/upload", "field too large", {"files": {"k": (None, b"v" * (1024 * 1024 + 1))}}),
    ("/upload", "urlencoded field too large", {"data": {"k": "v" * (1024 * 1024 + 1)}}),
    ("/raw-form", "request.form too many", {"data": {f"k{i}": "v" for i in range(1001)}}),
    ("/upload", "missing boundary", {"content": b"--XX--", "headers": {
        "content-type": "multipart/form-data"}}),
    ("/upload", "garbage multipart", {"content": b"garbage", "headers": MULTIPART}),
    ("/upload", "bare LF multipart", {
        "content": b'--XX\nContent-Disposition: form-data; name="a"\n\n1\n--XX--', "headers": MULTIPART}),
    ("/upload", "no name", {
        "content": b"--XX\r\nContent-Disposition: form-data\r\n\r\n1\r\n--XX--", "headers": MULTIPART}),
    ("/raw-form", "headers and charset", {
        "content": "--XX\r\nContent-Disposition: form-data; name=\"é\"\r\n\r\né\r\n"
                   "--XX\r\ncontent-disposition: form-data; name=f; filename=\"C:\\\\d\\\\x.txt\"\r\n"
                   "Content-Type: text/plain\r\n\r\nzz\r\n--XX--\r\n".encode("latin-1"),
        "headers": {"content-type": "multipart/form-data; boundary=XX; charset=latin-1"}}),
    ("/raw-form", "empty multipart", {"content": b"", "headers": MULTIPART}),
]


@pytest.fixture(scope="module")
def live_server(pair: ServerPair) -> LiveServer:
    return pair.ours


@pytest.fixture(scope="module")
def client(live_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.url, timeout=60) as c:
        yield c


@pytest.mark.parametrize(("path", "name", "kwargs"), CASES, ids=[c[1] for c in CASES])
def test_same_answer_as_fastapi(pair: ServerPair, path: str, name: str,
                                kwargs: dict[str, Any]) -> None:
    pair.check(Case("POST", path, kwargs), {})


def test_openapi_equals_fastapis(pair: ServerPair) -> None:
    # requestBody: urlencoded or multipart, Body_<operation> components, files as
    # contentMediaType application/octet-stream, form models by reference.
    pair.check_openapi()


def test_login(client: httpx.Client) -> None:
    r = client.post("/login", data={"username": "ann", "password": "secret"})
    assert r.json() == {"username": "ann", "password": "secret", "remember": False, "n": 5}
    r = client.post("/login", data={"username": "ann", "password": "ab"})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "password"]


def test_upload_api(client: httpx.Client) -> None:
    r = client.post("/upload", files={"file": ("a.txt", b"hello", "text/plain")},
                    data={"note": "n"})
    assert r.json() == {"filename": "a.txt", "content_type": "text/plain", "size": 5,
                        "length": 5, "sha256": hashlib.sha256(b"hello").hexdigest(),
                        "again": "hel", "note": "n", "x_header": None}
    r = client.post("/write", files={"file": ("w.txt", b"base")})
    assert r.json() == {"content": "+more", "size": 9}  # written at position 0, as Starlette does


def test_part_headers_reach_the_upload(client: httpx.Client) -> None:
    body = (b'--XX\r\nContent-Disposition: form-data; name="file"; filename="h.txt"\r\n'
            b"Content-Type: text/plain\r\nX-Extra: yes\r\n\r\nhi\r\n--XX--\r\n")
    r = client.post("/upload", content=body, headers=MULTIPART)
    assert r.json()["x_header"] == "yes"
    assert r.json()["content_type"] == "text/plain"


def test_filename_star_names_a_file(client: httpx.Client) -> None:
    body = (b"--XX\r\nContent-Disposition: form-data; name=file; filename*=UTF-8''caf%C3%A9.txt"
            b"\r\n\r\nx\r\n--XX--\r\n")
    r = client.post("/upload", content=body, headers=MULTIPART)
    assert r.status_code == 200 and r.json()["filename"] == "café.txt"


def test_truncated_multipart_is_refused(client: httpx.Client) -> None:
    body = b'--XX\r\nContent-Disposition: form-data; name="file"; filename="t"\r\n\r\nabc'
    r = client.post("/upload", content=body, headers=MULTIPART)
    assert (r.status_code, r.json()) == (400, {"detail": "Invalid multipart data."})


def test_request_body_of_a_form_route_is_consumed(client: httpx.Client) -> None:
    # The host parsed the form; Starlette raises "Stream consumed" once the form was read.
    r = client.post("/raw-body", data={"a": "1"})
    assert r.json() == {"length": 3}  # a route without form parameters keeps its bytes


def _rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def test_large_upload_goes_to_a_temporary_file(client: httpx.Client, live_server: LiveServer,
                                               tmp_path: Any) -> None:
    size = 50 * 1024 * 1024
    blob = os.urandom(1 << 20) * 50
    r = client.post("/upload-sync", files={"file": ("big.bin", blob, "application/octet-stream")})
    assert r.status_code == 200
    assert r.json() == {"filename": "big.bin", "size": size,
                        "sha256": hashlib.sha256(blob).hexdigest()}
    # The temporary file is gone once the answer is out.
    tmp = os.environ.get("TMPDIR", "/tmp")
    leftovers = [n for n in os.listdir(tmp) if n.startswith("fasterapi-upload-")]
    deadline = time.monotonic() + 5
    while leftovers and time.monotonic() < deadline:
        time.sleep(0.1)
        leftovers = [n for n in os.listdir(tmp) if n.startswith("fasterapi-upload-")
                     and os.path.exists(os.path.join(tmp, n))]
    assert not leftovers


def test_http2_upload(live_server: LiveServer) -> None:
    blob = os.urandom(3 << 20)
    with httpx.Client(base_url=live_server.url, http1=False, http2=True, timeout=60) as h2:
        r = h2.post("/upload", files={"file": ("h2.bin", blob)}, data={"note": "2"})
        assert r.http_version == "HTTP/2"
        assert r.json()["sha256"] == hashlib.sha256(blob).hexdigest()
        r = h2.post("/login", data={"username": "", "password": "abc"})
        assert r.status_code == 422
        r = h2.post("/upload", content=b"garbage", headers=MULTIPART)
        assert (r.status_code, r.json()) == (400, {"detail": "Invalid multipart data."})


# Uploads stream to disk as they arrive (server/upload.go): a server with the default
# --max-body-size (16 MiB) and --max-upload-size of 300 MB, whose temporary files go to a
# directory of the test's own.
UPLOAD_LIMIT = 300_000_000
MIB = 1 << 20


@pytest.fixture(scope="module")
def upload_tmp(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return tmp_path_factory.mktemp("uploads")


@pytest.fixture(scope="module")
def upload_server(upload_tmp: Any) -> Iterator[LiveServer]:
    env = {**os.environ, "FRAMEWORK": "fasterapi", "TMPDIR": str(upload_tmp)}
    with LiveServer("forms_app:app", str(DIFF_APPS_DIR), env=env,
                    extra_args=["--workers", "1", "--max-upload-size", str(UPLOAD_LIMIT)]) as live:
        yield live


def _upload_files(directory: Any) -> list[str]:
    return [n for n in os.listdir(directory) if n.startswith("fasterapi-upload-")]


def _wait_for(condition: Callable[[], bool], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


FILE_HEAD = (b'--XX\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n'
             b"Content-Type: application/octet-stream\r\n\r\n")
FILE_TAIL = b"\r\n--XX--\r\n"


def _multipart_stream(mebibytes: int, digest: Any) -> Iterator[bytes]:
    """A multipart body with one file of `mebibytes` MiB, made as it is sent (the client
    never holds it whole); digest gets the file's bytes."""
    block = os.urandom(MIB)
    yield FILE_HEAD
    for i in range(mebibytes):
        piece = block[i:] + block[:i]
        digest.update(piece)
        yield piece
    yield FILE_TAIL


class _PeakRSS:
    """Samples a process's VmRSS (KiB) in a thread until stopped; peak is the largest seen."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, _rss_kib(pid), threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, _rss_kib(self.pid))

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


@pytest.mark.parametrize(("transport", "mebibytes"),
                         [("http1 content-length", 200), ("http1 chunked", 64), ("http2", 200)])
def test_huge_upload_streams_to_disk(upload_server: LiveServer, upload_tmp: Any, transport: str,
                                     mebibytes: int) -> None:
    assert upload_server.process is not None
    pid = upload_server.process.pid
    http2 = transport == "http2"
    with httpx.Client(base_url=upload_server.url, http1=not http2, http2=http2, timeout=120) as c:
        # Warm up: the interpreter has imported what the route needs, buffers exist.
        warm = c.post("/upload-sync", files={"file": ("w.bin", os.urandom(2 * MIB))})
        assert warm.status_code == 200
        before = _rss_kib(pid)
        digest = hashlib.sha256()
        headers = dict(MULTIPART)
        if transport == "http1 content-length":
            headers["content-length"] = str(len(FILE_HEAD) + mebibytes * MIB + len(FILE_TAIL))
        with _PeakRSS(pid) as rss:
            r = c.post("/upload-sync", content=_multipart_stream(mebibytes, digest), headers=headers)
        assert r.http_version == ("HTTP/2" if http2 else "HTTP/1.1")
    assert r.status_code == 200, r.text
    assert r.json() == {"filename": "big.bin", "size": mebibytes * MIB,
                        "sha256": digest.hexdigest()}
    growth_mib = (rss.peak - before) / 1024
    print(f"{transport}: {mebibytes} MiB upload, server RSS {before // 1024} MiB before, "
          f"peak growth {growth_mib:.1f} MiB")
    assert growth_mib < 30
    assert _wait_for(lambda: not _upload_files(upload_tmp))


def test_client_gone_mid_upload_leaves_no_file(upload_server: LiveServer, upload_tmp: Any) -> None:
    with socket.create_connection((upload_server.host, upload_server.port)) as sock:
        sock.sendall(b"POST /upload-sync HTTP/1.1\r\nHost: x\r\n"
                     b"Content-Type: multipart/form-data; boundary=XX\r\n"
                     b"Content-Length: 50000000\r\n\r\n" + FILE_HEAD + os.urandom(3 * MIB))
        assert _wait_for(lambda: len(_upload_files(upload_tmp)) == 1)
    assert _wait_for(lambda: not _upload_files(upload_tmp))


def test_upload_over_the_limit_is_413(upload_server: LiveServer) -> None:
    with socket.create_connection((upload_server.host, upload_server.port)) as sock:
        sock.sendall(b"POST /upload-sync HTTP/1.1\r\nHost: x\r\n"
                     b"Content-Type: multipart/form-data; boundary=XX\r\n"
                     b"Content-Length: " + str(UPLOAD_LIMIT + 1).encode() + b"\r\n\r\n" + FILE_HEAD)
        sock.settimeout(10)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413 ")
    assert json.loads(body) == {"detail": f"request body exceeds {UPLOAD_LIMIT} bytes"}


def test_body_limit_still_bounds_other_bodies(upload_server: LiveServer) -> None:
    with httpx.Client(base_url=upload_server.url, timeout=60) as c:
        r = c.post("/raw-body", files={"f": ("a.bin", b"x" * (17 * MIB))})
        assert r.status_code == 413
        r = c.post("/login", data={"username": "u" * (17 * MIB), "password": "abc"})
        assert r.status_code == 413
