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
import os
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from diff_support import Case, ServerPair, served

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
