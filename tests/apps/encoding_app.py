"""Return values of every kind, for tests/py/test_e2e_encoding.py: GET /value/{name} returns
VALUES[name] as is, so the host's encoder (and, for types it does not know, the Python
jsonable_encoder) turns it into the body FastAPI would send."""

import datetime
import decimal
import enum
import sys
import uuid
from dataclasses import dataclass, field
from typing import Any

from fasterapi import FastAPI

app = FastAPI()


class Color(enum.Enum):
    RED = "red"
    GREEN = "green"


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 3


@dataclass
class Point:
    x: int
    y: float
    label: str = "p"


@dataclass
class Shape:
    name: str
    points: list[Point] = field(default_factory=list)
    color: Color = Color.RED
    created: datetime.date = datetime.date(2024, 2, 29)


VALUES: dict[str, Any] = {
    # plain JSON types
    "dict": {"a": 1, "b": "two", "c": None},
    "empty_dict": {},
    "list": [1, "a", None, True, 2.5],
    "empty_list": [],
    "tuple": (1, 2, "three"),
    "str": "hello",
    "empty_str": "",
    "int": 42,
    "negative_int": -7,
    "zero": 0,
    "float": 3.25,
    "true": True,
    "false": False,
    "none": None,
    "nested": {"a": [{"b": [1, [2, [3, {"c": (4, 5)}]]]}], "d": {"e": {"f": {}}}},
    # strings: raw UTF-8 out, only quote, backslash and control characters escaped
    "non_ascii": {"name": "Zoë", "city": "Zürich", "greek": "αβγ", "cjk": "日本語", "emoji": "🚀"},
    "escapes": "quote\" backslash\\ slash/ nl\n cr\r tab\t bs\b ff\f nul\x00 us\x1f del\x7f",
    "non_ascii_key": {"ключ": "значение"},
    "line_separators": "a\u2028b\u2029c",
    # numbers
    # one 30-bit digit is a "compact" int, which the encoder reads inline; around the edge
    "compact_int_edges": [2**30 - 1, 2**30, -(2**30 - 1), -(2**30), 2**31, -1],
    "big_int": 2**64,
    "huge_int": 10**40 + 1,
    "negative_big_int": -(2**63) - 1,
    "int64_max": 2**63 - 1,
    "float_one": 1.0,
    "float_1e16": 1e16,
    "float_small": 1e-7,
    "float_negative_zero": -0.0,
    "float_precise": 0.1 + 0.2,
    "float_big": 1.7976931348623157e308,
    "float_1e15": 1e15,
    "numbers_mix": [1, 1.0, -1.5, 2**53 + 1, 123456789.123],
    # keys json.dumps converts
    "int_keys": {1: "a", 2: "b"},
    "mixed_keys": {True: 1, None: 2, 1.5: 3, "s": 4},
    # through jsonable_encoder
    "dataclass": Point(1, 2.5),
    "nested_dataclass": Shape("tri", [Point(0, 0.0), Point(1, 1.5, "q")]),
    "datetime": datetime.datetime(2024, 2, 29, 13, 45, 30, 123456),
    "datetime_tz": datetime.datetime(2024, 2, 29, 13, 45, 30, tzinfo=datetime.UTC),
    "date": datetime.date(2024, 2, 29),
    "time": datetime.time(8, 5, 3),
    "timedelta": datetime.timedelta(days=1, seconds=30, microseconds=500000),
    "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "decimal_fraction": decimal.Decimal("1.10"),
    "decimal_integral": decimal.Decimal(10),
    "decimal_exponent": decimal.Decimal("1E+2"),
    "enum": Color.GREEN,
    "int_enum": Level.HIGH,
    "set": {3, 1, 2},
    "frozenset": frozenset({5}),
    "enum_keys": {Color.RED: 1, Color.GREEN: 2},
    "date_keys": {datetime.date(2024, 1, 1): "new year"},
    "bytes": b"raw bytes",
    "sqlalchemy_keys": {"_sa_instance_state": "dropped", "name": "kept"},
    "mixed_encoded": {
        "when": datetime.date(2000, 1, 1),
        "ids": [uuid.UUID(int=1), uuid.UUID(int=2)],
        "price": decimal.Decimal("9.99"),
        "level": Level.LOW,
        "tags": {"only"},
        "point": Point(-1, -1.5),
    },
}


# No return annotation on purpose: FastAPI would take one as the response_model and
# serialize through pydantic instead of jsonable_encoder + JSONResponse.
@app.get("/value/{name}")
def value(name: str):  # type: ignore[no-untyped-def]
    return VALUES[name]


@app.get("/names")
def names() -> list[str]:
    return list(VALUES)


@app.get("/not-finite/{kind}")
def not_finite(kind: str):  # type: ignore[no-untyped-def]
    return {"value": float(kind)}


@app.get("/deep/{depth}")
def deep(depth: int):  # type: ignore[no-untyped-def]
    value: Any = "leaf"
    for _ in range(depth):
        value = [value]
    return {"deep": value}


@app.get("/big/{size}")
def big(size: int):  # type: ignore[no-untyped-def]
    return {"data": "é" * size, "numbers": list(range(size // 100))}


@app.post("/floats")
def floats(payload: list[float]):  # type: ignore[no-untyped-def]
    return payload


# Keys the encoder caches (interned ASCII, by address) next to ones it must not: more keys
# than its 256 slots, so that slots are shared and replaced, and keys that need escapes, are
# too long, are not ASCII, or are SQLAlchemy's "_sa" keys (dropped).
INTERNED_KEYS = [sys.intern(f"key{i}") for i in range(600)] + [
    sys.intern('quote"d'), sys.intern("x" * 40), sys.intern("clé"), sys.intern("_sa_state"),
    "not-interned-" + str(len(sys.argv))]


@app.get("/interned-keys/{rounds}")
def interned_keys(rounds: int):  # type: ignore[no-untyped-def]
    return [{key: [i, key] for key in INTERNED_KEYS[i % 7::3]} for i in range(rounds)]
