"""Response models: validate a handler's return value, then dump it like pydantic.

FastAPI validates what a handler returns against `response_model` (or the
return annotation), reading objects by attribute, and serializes the result
in pydantic's JSON mode, which is where filtering (`response_model_include`,
`_exclude`, `_exclude_unset`, ...) happens. A value that does not validate
is a server error (ResponseValidationError, answered with 500).
"""

from __future__ import annotations

from collections.abc import Callable
from types import UnionType
from typing import Any, Union, get_args, get_origin

from ._errors import ValidationFailed, prefixed
from ._serialize import DumpOptions, dump
from ._shape import NOT_PLAIN, SCALARS, SHAPE_DICT, SHAPE_LIST, SHAPE_OPTIONAL, shape_check
from ._validators import Validator, compile_type
from .exceptions import ResponseValidationError


def plain_shape(annotation: Any) -> Any:
    """The shape (see _shape) of the values that validating and dumping against `annotation`
    leaves unchanged, or NOT_PLAIN when the annotation is not a plain JSON shape (the full path
    handles those). Any/object is anything: the host's encoder serializes it by its value
    (plain JSON types in C, others through jsonable_encoder), as FastAPI serializes an Any
    field."""
    if annotation is Any or annotation is object:
        return None
    if annotation in SCALARS:
        return annotation
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (Union, UnionType):
        if len(args) == 2 and type(None) in args:
            inner = plain_shape(args[0] if args[1] is type(None) else args[1])
            if inner is not NOT_PLAIN:
                return None if inner is None else (SHAPE_OPTIONAL, inner)
        return NOT_PLAIN
    if origin is dict and len(args) == 2 and args[0] is str:
        item = plain_shape(args[1])
        return NOT_PLAIN if item is NOT_PLAIN else (SHAPE_DICT, item)
    if origin is list and len(args) == 1:
        # a tuple validates to a list and both encode to the same JSON array
        element = plain_shape(args[0])
        return NOT_PLAIN if element is NOT_PLAIN else (SHAPE_LIST, element)
    return NOT_PLAIN


def passthrough_check(annotation: Any) -> Callable[[Any], bool] | None:
    """A cheap test that a returned value already is what validating and dumping it against
    `annotation` would produce, so it can go to the host's C JSON encoder untouched (the common
    `-> dict[str, str]` handler then costs a type check, not a validation). None when the
    annotation is not a plain JSON shape; the full path handles it then.
    """
    shape = plain_shape(annotation)
    return None if shape is NOT_PLAIN else shape_check(shape)


class ResponseField:
    __slots__ = ("annotation", "exclude", "include", "options", "passthrough", "validator")

    def __init__(self, annotation: Any, validator: Validator, *, include: Any = None,
                 exclude: Any = None, by_alias: bool = True, exclude_unset: bool = False,
                 exclude_defaults: bool = False, exclude_none: bool = False) -> None:
        self.annotation = annotation
        self.validator = validator
        self.include = _as_spec(include)
        self.exclude = _as_spec(exclude)
        self.options = DumpOptions("json", by_alias, exclude_unset, exclude_defaults,
                                   exclude_none)
        filtered = include is not None or exclude is not None or exclude_none
        self.passthrough = None if filtered else passthrough_check(annotation)

    def serialize(self, value: Any) -> Any:
        if self.passthrough is not None and self.passthrough(value):
            return value
        try:
            validated = self.validator.validate(value)
        except ValidationFailed as exc:
            raise ResponseValidationError(prefixed(exc.errors, ("response",)),
                                          body=value) from None
        return dump(validated, self.options, self.include, self.exclude)


def _as_spec(spec: Any) -> Any:
    if spec is None or isinstance(spec, (set, dict)):
        return spec
    return set(spec)


def response_field(annotation: Any, *, explicit: bool, **options: Any) -> ResponseField | None:
    """The field for a route's response model; None when there is nothing to check.

    An explicit `response_model` must compile (TypeError otherwise); a return
    annotation that is not a supported type is ignored.
    """
    if annotation is None or annotation is type(None):
        return None
    try:
        validator = compile_type(annotation)
    except TypeError:
        if explicit:
            raise
        return None
    return ResponseField(annotation, validator, **options)
