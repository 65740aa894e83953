"""Exceptions a handler raises to shape the response (FastAPI's names)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class HTTPException(Exception):
    """Answer with `status_code` and `{"detail": detail}` instead of a 500."""

    def __init__(self, status_code: int, detail: Any = None,
                 headers: Mapping[str, str] | None = None) -> None:
        if detail is None:
            from http import HTTPStatus

            try:
                detail = HTTPStatus(status_code).phrase
            except ValueError:
                detail = ""
        super().__init__(status_code, detail)
        self.status_code = status_code
        self.detail = detail
        self.headers = None if headers is None else dict(headers)

    def __str__(self) -> str:
        return f"{self.status_code}: {self.detail}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status_code={self.status_code!r}, detail={self.detail!r})"


class ValidationException(Exception):
    def __init__(self, errors: Sequence[Any]) -> None:
        super().__init__(errors)
        self._errors = errors

    def errors(self) -> Sequence[Any]:
        return self._errors


class RequestValidationError(ValidationException):
    """The request did not match the handler's signature; answered with 422.

    `errors()` holds pydantic-shaped records (type, loc, msg, input[, ctx]).
    """

    def __init__(self, errors: Sequence[Any], *, body: Any = None) -> None:
        super().__init__(errors)
        self.body = body

    def __str__(self) -> str:
        lines = [f"{len(self._errors)} validation error(s):"]
        for record in self._errors:
            loc = ", ".join(repr(part) for part in record.get("loc", ()))
            lines.append(f"  {{{loc}}}: {record.get('msg')}")
        return "\n".join(lines)


class FastAPIError(RuntimeError):
    """Misuse of the framework detected at setup time (FastAPI's name)."""


class ResponseValidationError(ValidationException):
    """The handler's return value did not match its response model; answered with 500."""

    def __init__(self, errors: Sequence[Any], *, body: Any = None) -> None:
        super().__init__(errors)
        self.body = body

    def __str__(self) -> str:
        lines = [f"{len(self._errors)} validation error(s):"]
        for record in self._errors:
            loc = ", ".join(repr(part) for part in record.get("loc", ()))
            lines.append(f"  {{{loc}}}: {record.get('msg')}")
            lines.append(f"    Input: {record.get('input')!r}")
        return "\n".join(lines)


class WebSocketException(Exception):
    """Raised in a WebSocket endpoint to close the connection with `code` and `reason`
    (before the accept, the client gets a 403 as with any close)."""

    def __init__(self, code: int, reason: str | None = None) -> None:
        super().__init__(code, reason)
        self.code = code
        self.reason = reason or ""

    def __str__(self) -> str:
        return f"{self.code}: {self.reason}"
