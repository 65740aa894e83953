"""Turn the raw body into the value that body parameters are validated against.

FastAPI's rules: an empty body counts as absent; only a JSON content type
(application/json or application/*+json) is parsed, and any other or missing
content type leaves the bytes as they are, so a dict parameter then fails
with dict_type rather than being guessed at.
"""

from __future__ import annotations

from typing import Any, cast

from .exceptions import HTTPException, RequestValidationError


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()


def is_json_content_type(value: str) -> bool:
    if value == "application/json":
        return True
    media_type = value.split(";", 1)[0].strip().lower()
    # email.message, which FastAPI asks, treats a malformed type as text/plain.
    if media_type.count("/") != 1:
        return False
    main, _, sub = media_type.partition("/")
    return main == "application" and (sub == "json" or sub.endswith("+json"))


def read_body(body: bytes, headers: list[tuple[bytes, bytes]]) -> Any:
    """The decoded body, the raw bytes, or ABSENT when nothing was sent."""
    if not body:
        return ABSENT
    content_type = None
    for name, value in headers:
        if name == b"content-type":
            content_type = value.decode("latin-1")
            break
    if not content_type or not is_json_content_type(content_type):
        return body
    import json

    try:
        return _loads(body)
    except json.JSONDecodeError as exc:
        raise RequestValidationError(
            [{
                "type": "json_invalid",
                "loc": ("body", exc.pos),
                "msg": "JSON decode error",
                "input": {},
                "ctx": {"error": exc.msg},
            }],
            body=exc.doc,
        ) from exc
    except Exception as exc:  # undecodable bytes, nesting too deep, ...
        raise HTTPException(400, "There was an error parsing the body") from exc


_scan: Any = None


def _loads(body: bytes) -> Any:
    """json.loads(body), without its Python-level steps for the common body: an object or
    array right at the start (so UTF-8, no BOM, no leading space) that ends the body. Anything
    else, errors included, goes through json.loads itself, which raises what FastAPI shows."""
    global _scan
    import json

    if body[:1] in (b"{", b"[") and len(body) > 1 and body[1]:
        if _scan is None:
            # The decoder's scanner (C when available): what json.loads runs after its checks.
            _scan = cast(Any, json.JSONDecoder()).scan_once
        try:
            text = body.decode("utf-8", "surrogatepass")
            value, end = _scan(text, 0)
        except Exception:
            return json.loads(body)
        if end == len(text):
            return value
    return json.loads(body)
