"""jsonable_encoder and the JSON bytes against FastAPI's and Starlette's own, in this process.

Needs FastAPI: `make test` runs it with .venv-ref's Python (conftest.py leaves it out where
FastAPI is not installed, and says so)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.encoders import jsonable_encoder as fastapi_jsonable_encoder
from starlette.responses import JSONResponse
from test_encoders import CASES

from fasterapi import _json
from fasterapi.encoders import jsonable_encoder


@pytest.mark.parametrize(("value", "expected"), CASES, ids=[repr(c[0])[:40] for c in CASES])
def test_same_as_fastapi(value: Any, expected: Any) -> None:
    assert jsonable_encoder(value) == fastapi_jsonable_encoder(value) == expected


def test_same_bytes_as_starlette() -> None:
    value: Any = {"a": [1, 2.5, None, True, "é\u2028"], "b": {"c": -0.0, "d": 10**20}}
    assert _json.py_dumps(value) == JSONResponse(value).body
