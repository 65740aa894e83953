"""jsonable_encoder gives FastAPI's results (test_reference_encoding.py compares them with
FastAPI's own)."""

from __future__ import annotations

import collections
import dataclasses
import datetime
import decimal
import enum
import ipaddress
import pathlib
import re
import uuid
from typing import Any

import pytest

from fasterapi.encoders import jsonable_encoder


class Color(enum.Enum):
    red = "r"


class Level(enum.IntEnum):
    high = 3


@dataclasses.dataclass
class Point:
    x: int
    when: datetime.date
    tags: set[str] = dataclasses.field(default_factory=set)


class Plain:
    def __init__(self) -> None:
        self.a = 1
        self._b = Color.red


class Slotted:
    __slots__ = ("a",)

    def __init__(self) -> None:
        self.a = 1


def _gen() -> Any:
    yield from (1, Color.red)


CASES: list[tuple[Any, Any]] = [
    ("s", "s"), (1, 1), (1.5, 1.5), (True, True), (None, None),
    (Point(1, datetime.date(2020, 1, 2)), {"x": 1, "when": "2020-01-02", "tags": []}),
    (datetime.datetime(2020, 1, 2, 3, 4, 5, 6), "2020-01-02T03:04:05.000006"),
    (datetime.datetime(2020, 1, 2, tzinfo=datetime.UTC), "2020-01-02T00:00:00+00:00"),
    (datetime.time(1, 2, 3), "01:02:03"),
    (datetime.timedelta(days=1, seconds=1, microseconds=5), 86401.000005),
    (uuid.UUID(int=5), "00000000-0000-0000-0000-000000000005"),
    (decimal.Decimal("1.0"), 1.0), (decimal.Decimal("10"), 10), (decimal.Decimal("1E+2"), 100),
    (decimal.Decimal("1.5"), 1.5),
    (Color.red, "r"), (Level.high, 3),
    ({1, 2}, [1, 2]), (frozenset([3]), [3]), (collections.deque([1]), [1]), ((1, (2,)), [1, [2]]),
    (b"hi", "hi"), (pathlib.PurePosixPath("/a/b"), "/a/b"),
    (ipaddress.ip_address("1.2.3.4"), "1.2.3.4"),
    (ipaddress.ip_network("10.0.0.0/8"), "10.0.0.0/8"),
    (re.compile("a+"), "a+"),
    ({Color.red: {1}, 2: None, "_sa_state": 1}, {"r": [1], 2: None}),
    (Plain(), {"a": 1, "_b": "r"}),
    ([{"k": Point(2, datetime.date(2021, 1, 1))}], [{"k": {"x": 2, "when": "2021-01-01",
                                                            "tags": []}}]),
]


@pytest.mark.parametrize(("value", "expected"), CASES, ids=[repr(c[0])[:40] for c in CASES])
def test_known_results(value: Any, expected: Any) -> None:
    assert jsonable_encoder(value) == expected


def test_generators_become_lists() -> None:
    assert jsonable_encoder(_gen()) == [1, "r"]


def test_options() -> None:
    data = {"a": None, "b": 1, "_sa_x": 2}
    assert jsonable_encoder(data, exclude_none=True) == {"b": 1}
    assert jsonable_encoder(data, include={"a"}) == {"a": None}
    assert jsonable_encoder(data, exclude={"a"}) == {"b": 1}
    assert jsonable_encoder(data, sqlalchemy_safe=False) == data
    assert jsonable_encoder({"t": datetime.date(2020, 1, 1)},
                            custom_encoder={datetime.date: lambda d: d.year}) == {"t": 2020}
    assert jsonable_encoder(1, custom_encoder={int: str}) == "1"


def test_unencodable_objects_raise_value_error() -> None:
    with pytest.raises(ValueError):
        jsonable_encoder(Slotted())
