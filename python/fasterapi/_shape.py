"""Shapes: plain JSON structures that a value can be checked against without validating it.

A value that already has the exact shape of a type (a `dict[str, int]` whose keys are str and
values int, ...) is what validating it would give back, and what dumping it would produce, so
validation and response serialization skip it. Under the host `_fasterapi.ShapeCheck` checks a
shape in C; without the host `conforms` does the same in Python.

A shape is None (anything), a scalar type (exactly that type: a bool is not an int here), or a
(kind, inner) tuple: SHAPE_DICT a dict with str keys and inner-shaped values (any values when
inner is None), SHAPE_LIST a list or tuple of inner-shaped items, SHAPE_OPTIONAL None or
inner-shaped, SHAPE_LIST_ONLY like SHAPE_LIST but only a list.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from ._concurrency import HOSTED

SHAPE_DICT, SHAPE_LIST, SHAPE_OPTIONAL, SHAPE_LIST_ONLY = 0, 1, 2, 3
SCALARS = (str, int, float, bool, type(None))
# Returned by the shape compilers for types that have no shape.
NOT_PLAIN: Any = object()


def accepts_anything(value: Any) -> bool:
    """The check of the shape None: callers compare with `is` to skip calling it."""
    return True


def conforms(value: Any, shape: Any) -> bool:
    """Whether `value` has `shape`; _fasterapi.ShapeCheck does the same in C."""
    if shape is None:
        return True
    if type(shape) is type:
        return type(value) is shape
    kind, inner = shape
    if kind == SHAPE_OPTIONAL:
        return value is None or conforms(value, inner)
    if kind == SHAPE_DICT:
        if type(value) is not dict:
            return False
        for key, item in value.items():
            if type(key) is not str or (inner is not None and not conforms(item, inner)):
                return False
        return True
    if type(value) is not list and (kind == SHAPE_LIST_ONLY or type(value) is not tuple):
        return False
    return inner is None or all(conforms(item, inner) for item in value)


def shape_check(shape: Any) -> Callable[[Any], bool]:
    """A one-argument test of `shape`: accepts_anything for None, C code under the host."""
    if shape is None:
        return accepts_anything
    if HOSTED:
        import _fasterapi

        return cast("Callable[[Any], bool]", _fasterapi.ShapeCheck(shape))
    return lambda value: conforms(value, shape)
