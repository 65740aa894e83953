"""Body decoding by content type, as FastAPI decides it."""

from __future__ import annotations

import pytest

from fasterapi._body import ABSENT, is_json_content_type, read_body
from fasterapi.exceptions import HTTPException, RequestValidationError


@pytest.mark.parametrize(("value", "expected"), [
    ("application/json", True),
    ("application/json; charset=utf-8", True),
    ("APPLICATION/JSON", True),
    ("application/vnd.api+json", True),
    ("application/merge-patch+json ; q=1", True),
    ("text/json", False),
    ("application/jsonx", False),
    ("application/json/extra", False),
    ("json", False),
    ("", False),
])
def test_json_content_types(value: str, expected: bool) -> None:
    assert is_json_content_type(value) is expected


def test_empty_body_is_absent() -> None:
    assert read_body(b"", [(b"content-type", b"application/json")]) is ABSENT


def test_non_json_or_missing_content_type_keeps_bytes() -> None:
    assert read_body(b'{"a":1}', []) == b'{"a":1}'
    assert read_body(b'{"a":1}', [(b"content-type", b"text/plain")]) == b'{"a":1}'


def test_first_content_type_header_wins() -> None:
    headers = [(b"content-type", b"application/json"), (b"content-type", b"text/plain")]
    assert read_body(b"[1]", headers) == [1]


def test_json_errors() -> None:
    headers = [(b"content-type", b"application/json")]
    with pytest.raises(RequestValidationError) as info:
        read_body(b"[1] x", headers)
    assert info.value.errors()[0]["ctx"] == {"error": "Extra data"}
    assert info.value.errors()[0]["loc"] == ("body", 4)
    with pytest.raises(HTTPException):
        read_body(b"\xff\xfe\x00", headers)
