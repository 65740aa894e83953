"""Query/header multi-dicts and URLs behave as Starlette's do."""

from __future__ import annotations

import pytest

from fasterapi.datastructures import URL, Headers, MutableHeaders, QueryParams, State, parse_query


def test_parse_query_matches_parse_qsl() -> None:
    from urllib.parse import parse_qsl

    for raw in ["a=1&a=2&b=%20x+y&c", "", "&&a=&=v&%E2%82%AC=%FF", "x=%2B+%26", "a=b=c;d"]:
        assert parse_query(raw.encode()) == parse_qsl(raw, keep_blank_values=True)


def test_query_params_last_value_wins_and_getlist_keeps_all() -> None:
    params = QueryParams(b"a=1&b=2&a=3")
    assert params["a"] == "3" and params.get("a") == "3"
    assert params.getlist("a") == ["1", "3"]
    assert params.keys() == ["a", "b"] and params.values() == ["3", "2"]
    assert params.items() == [("a", "3"), ("b", "2")]
    assert params.multi_items() == [("a", "1"), ("b", "2"), ("a", "3")]
    assert len(params) == 2 and "b" in params and list(params) == ["a", "b"]
    assert str(params) == "a=1&b=2&a=3"
    assert params.get("zz", "d") == "d"
    with pytest.raises(KeyError):
        params["zz"]
    assert QueryParams({"x": "1"}) == QueryParams([("x", "1")])


def test_headers_are_case_insensitive_first_value() -> None:
    headers = Headers(raw=[(b"x-a", b"1"), (b"x-b", b"2"), (b"x-a", b"3")])
    assert headers["X-A"] == "1" and headers.get("x-a") == "1"
    assert headers.getlist("X-a") == ["1", "3"]
    assert headers.keys() == ["x-a", "x-b", "x-a"]
    assert headers.items() == [("x-a", "1"), ("x-b", "2"), ("x-a", "3")]
    assert "X-B" in headers and "nope" not in headers and 3 not in headers
    assert len(headers) == 3
    assert dict(headers) == {"x-a": "1", "x-b": "2"}
    assert Headers({"X-A": "1"}).raw == [(b"x-a", b"1")]
    with pytest.raises(KeyError):
        headers["missing"]


def test_mutable_headers_write_through() -> None:
    raw: list[tuple[bytes, bytes]] = [(b"a", b"1"), (b"b", b"2"), (b"a", b"3")]
    headers = MutableHeaders(raw=raw)
    headers["A"] = "x"
    assert raw == [(b"a", b"x"), (b"b", b"2")]
    headers.append("A", "y")
    assert headers.getlist("a") == ["x", "y"]
    del headers["a"]
    assert raw == [(b"b", b"2")]
    assert headers.setdefault("b", "z") == "2" and headers.setdefault("c", "z") == "z"
    headers.update({"b": "3"}, d="4")
    headers.add_vary_header("Origin")
    headers.add_vary_header("Accept")
    assert headers["vary"] == "Origin, Accept"
    assert headers.items() == [("b", "3"), ("c", "z"), ("d", "4"), ("vary", "Origin, Accept")]
    with pytest.raises(KeyError):
        del headers["missing"]
    copy = Headers(raw=[(b"k", b"v")]).mutablecopy()
    copy["k"] = "w"
    assert copy["k"] == "w"


def test_url_components_and_edits() -> None:
    url = URL("https://user:pw@example.com:8443/a/b?x=1&y=2#frag")
    assert (url.scheme, url.netloc, url.path, url.query, url.fragment) == (
        "https", "user:pw@example.com:8443", "/a/b", "x=1&y=2", "frag")
    assert (url.username, url.password, url.hostname, url.port) == (
        "user", "pw", "example.com", 8443)
    assert url.is_secure
    assert str(url.replace(path="/c")) == "https://user:pw@example.com:8443/c?x=1&y=2#frag"
    assert str(URL("http://h:1/p").replace(port=2)) == "http://h:2/p"
    assert str(URL("http://h/p?a=1&b=2").include_query_params(b=3, c=4)) == (
        "http://h/p?a=1&b=3&c=4")
    assert str(URL("http://h/p?a=1").replace_query_params(z=9)) == "http://h/p?z=9"
    assert str(URL("http://h/p?a=1&b=2&a=3").remove_query_params("a")) == "http://h/p?b=2"
    assert URL("http://h/") == "http://h/" and repr(URL("x")) == "URL('x')"


def test_state() -> None:
    state = State()
    state.user = "u"
    assert state.user == "u"
    del state.user
    with pytest.raises(AttributeError, match="no attribute 'user'"):
        _ = state.user
