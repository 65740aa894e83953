from __future__ import annotations

from fasterapi._raw import PyRawRequest


def test_defaults_and_raw_path() -> None:
    raw = PyRawRequest(path="/a")
    assert (raw.method, raw.raw_path, raw.query_string, raw.body) == ("GET", b"/a", b"", b"")
    assert raw.headers == [] and raw.path_params == {}
    assert (raw.scheme, raw.http_version) == ("http", "1.1")
    assert PyRawRequest(path="/a b", raw_path=b"/a%20b").raw_path == b"/a%20b"
