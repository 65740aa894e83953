from __future__ import annotations

from fasterapi.exceptions import HTTPException, RequestValidationError


def test_http_exception_defaults_detail_to_the_reason_phrase() -> None:
    assert HTTPException(404).detail == "Not Found"
    assert HTTPException(418).detail == "I'm a Teapot"
    assert HTTPException(499).detail == ""
    exc = HTTPException(400, {"k": 1}, headers={"X-A": "b"})
    assert exc.detail == {"k": 1} and exc.headers == {"X-A": "b"}
    assert str(HTTPException(404)) == "404: Not Found"
    assert repr(HTTPException(404)) == "HTTPException(status_code=404, detail='Not Found')"


def test_request_validation_error() -> None:
    errors = [{"type": "missing", "loc": ("query", "q"), "msg": "Field required", "input": None}]
    exc = RequestValidationError(errors, body={"a": 1})
    assert exc.errors() == errors and exc.body == {"a": 1}
    assert "{'query', 'q'}: Field required" in str(exc)
