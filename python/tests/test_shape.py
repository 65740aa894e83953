"""Shapes (fasterapi._shape): the exact-type checks that let plain values skip validation and
response serialization. Without the host they run in Python; tests/py checks the C twin
(_fasterapi.ShapeCheck) through the same routes against FastAPI."""

from __future__ import annotations

from typing import Any, Optional

import pytest

from fasterapi._response import plain_shape
from fasterapi._shape import (
    NOT_PLAIN,
    SHAPE_DICT,
    SHAPE_LIST,
    SHAPE_LIST_ONLY,
    SHAPE_OPTIONAL,
    conforms,
)
from fasterapi._validators import compile_type, exact_shape


@pytest.mark.parametrize(("annotation", "shape"), [
    (Any, None),
    (object, None),
    (str, str),
    (int, int),
    (dict[str, str], (SHAPE_DICT, str)),
    (dict[str, Any], (SHAPE_DICT, None)),
    (list[dict[str, object]], (SHAPE_LIST, (SHAPE_DICT, None))),
    (Optional[list[int]], (SHAPE_OPTIONAL, (SHAPE_LIST, int))),
    (Optional[Any], None),
    (dict[int, str], NOT_PLAIN),
    (set[int], NOT_PLAIN),
    (int | str, NOT_PLAIN),
])
def test_plain_shape_of_annotations(annotation: Any, shape: Any) -> None:
    assert plain_shape(annotation) == shape


@pytest.mark.parametrize(("value", "shape", "expected"), [
    ("a", str, True),
    (True, int, False),  # a bool validates to an int, but is not one
    (1, float, False),
    ({"a": 1}, (SHAPE_DICT, int), True),
    ({"a": "1"}, (SHAPE_DICT, int), False),
    ({1: "a"}, (SHAPE_DICT, None), False),  # keys must be str even when values are anything
    ({"a": object()}, (SHAPE_DICT, None), True),
    ((1, 2), (SHAPE_LIST, int), True),
    ((1, 2), (SHAPE_LIST_ONLY, int), False),
    ([1, None], (SHAPE_LIST, (SHAPE_OPTIONAL, int)), True),
    ([1, "x"], (SHAPE_LIST, int), False),
    (None, (SHAPE_OPTIONAL, str), True),
    ([], (SHAPE_LIST_ONLY, str), True),
])
def test_conforms(value: Any, shape: Any, expected: bool) -> None:
    assert conforms(value, shape) is expected


@pytest.mark.parametrize(("annotation", "shape"), [
    (dict[str, Any], (SHAPE_DICT, None)),
    (dict[str, list[int]], (SHAPE_DICT, (SHAPE_LIST_ONLY, int))),
    (list[Optional[str]], (SHAPE_LIST_ONLY, (SHAPE_OPTIONAL, str))),
    (tuple[int, ...], NOT_PLAIN),
    (dict[int, int], NOT_PLAIN),
])
def test_exact_shape_of_validators(annotation: Any, shape: Any) -> None:
    assert exact_shape(compile_type(annotation)) == shape


@pytest.mark.parametrize(("annotation", "value"), [
    (dict[str, Any], {"a": 1, "b": [1, 2]}),
    (dict[str, int], {"a": 1, "b": 2}),
    (dict[str, int], {"a": "1", "b": True}),
    (dict[str, float], {"a": 1, "b": 2.5}),
    (list[int], [1, 2, 3]),
    (list[int], (1, "2")),
    (list[Optional[str]], ["a", None]),
    (dict[str, list[str]], {"k": ["a", "b"]}),
])
def test_exact_values_validate_as_the_full_walk_does(annotation: Any, value: Any) -> None:
    fast = compile_type(annotation)
    slow = compile_type(annotation)
    slow.exact = None  # type: ignore[attr-defined]
    assert fast.validate(value) == slow.validate(value)
    assert type(fast.validate(value)) is type(slow.validate(value))
