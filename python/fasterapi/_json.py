"""JSON bytes exactly as FastAPI's JSONResponse renders them.

Compact separators, UTF-8 kept as is, and NaN/Infinity refused (a ValueError
that becomes a 500, as in FastAPI). The host's C encoder produces the same
bytes and is used when present; it calls `jsonable_encoder` itself for
types it does not know.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, cast


def _host_encoder() -> Callable[[Any], bytes] | None:
    try:
        import _fasterapi
    except ImportError:  # outside the Go host
        return None
    return cast("Callable[[Any], bytes]", _fasterapi.dumps)


_c_dumps = _host_encoder()


def _default(obj: Any) -> Any:
    from .encoders import jsonable_encoder

    return jsonable_encoder(obj)


def py_dumps(obj: Any) -> bytes:
    """The pure-Python encoder (the reference the C encoder must match)."""
    try:
        text = json.dumps(obj, ensure_ascii=False, allow_nan=False,
                          separators=(",", ":"), default=_default)
    except TypeError:
        # json refuses keys that are not str/int/float/bool/None (an Enum, a
        # date); the encoder converts those, so give it the whole value.
        from .encoders import jsonable_encoder

        text = json.dumps(jsonable_encoder(obj), ensure_ascii=False, allow_nan=False,
                          separators=(",", ":"))
    return text.encode("utf-8")


def dumps(obj: Any) -> bytes:
    if _c_dumps is not None:
        return _c_dumps(obj)
    return py_dumps(obj)
