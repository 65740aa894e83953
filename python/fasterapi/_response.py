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
from ._validators import Validator, compile_type
from .exceptions import ResponseValidationError

_PLAIN_SCALARS: dict[Any, type] = {str: str, int: int, float: float, bool: bool,
                                   type(None): type(None)}


def _anything(value: Any) -> bool:
    """Any/object: whatever it is, the host's encoder serializes it (plain JSON types in C,
    others through jsonable_encoder), as FastAPI serializes an Any field by its value."""
    return True


def passthrough_check(annotation: Any) -> Callable[[Any], bool] | None:
    """A cheap test that a returned value already is what validating and dumping it against
    `annotation` would produce, so it can go to the host's C JSON encoder untouched (the common
    `-> dict[str, str]` handler then costs a type check, not a validation). None when the
    annotation is not a plain JSON shape; the full path handles it then.
    """
    if annotation is Any or annotation is object:
        return _anything
    exact = _PLAIN_SCALARS.get(annotation)
    if exact is not None:
        return lambda value: type(value) is exact
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (Union, UnionType):
        if len(args) == 2 and type(None) in args:
            inner = passthrough_check(args[0] if args[1] is type(None) else args[1])
            if inner is not None:
                return lambda value: value is None or inner(value)
        return None
    if origin is dict and len(args) == 2 and args[0] is str:
        item = passthrough_check(args[1])
        if item is _anything:
            return lambda value: type(value) is dict
        if item is not None:
            return lambda value: (type(value) is dict
                                  and all(type(k) is str and item(v) for k, v in value.items()))
        return None
    if origin is list and len(args) == 1:
        element = passthrough_check(args[0])
        if element is _anything:
            return lambda value: type(value) in (list, tuple)
        if element is not None:
            # a tuple validates to a list and both encode to the same JSON array
            return lambda value: (type(value) in (list, tuple)
                                  and all(element(v) for v in value))
    return None


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
