"""The JSON bytes FastAPI's JSONResponse would produce."""

from __future__ import annotations

import dataclasses
import datetime
import enum
import importlib
import sys
import types

import pytest

from fasterapi import _json


class Color(enum.Enum):
    red = "r"


@dataclasses.dataclass
class Point:
    x: int


def test_compact_utf8_output() -> None:
    assert _json.py_dumps({"a": [1, 2.5, None, True], "é": "☃"}) == (
        '{"a":[1,2.5,null,true],"é":"☃"}'.encode())
    assert _json.py_dumps((1, "x")) == b'[1,"x"]'


def test_nan_is_refused() -> None:
    with pytest.raises(ValueError):
        _json.py_dumps(float("inf"))


def test_other_types_go_through_jsonable_encoder() -> None:
    value = {"p": Point(1), "d": datetime.date(2020, 1, 2), "s": {1}}
    assert _json.py_dumps(value) == b'{"p":{"x":1},"d":"2020-01-02","s":[1]}'
    assert _json.py_dumps({Color.red: 1, 2: 3}) == b'{"r":1,"2":3}'


def test_host_encoder_is_used_when_present(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = types.ModuleType("_fasterapi")
    fake.dumps = lambda obj: b"from-c"  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "_fasterapi", fake)
    try:
        reloaded = importlib.reload(_json)
        assert reloaded.dumps({"a": 1}) == b"from-c"
    finally:
        monkeypatch.delitem(sys.modules, "_fasterapi")
        importlib.reload(_json)
    assert _json.dumps({"a": 1}) == b'{"a":1}'
