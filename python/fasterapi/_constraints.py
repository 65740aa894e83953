"""Field constraints (gt, max_length, pattern, ...) with pydantic's error records.

A constraint wraps the validator of the annotated type and checks the
converted value, reporting the original input as pydantic does. Only the
first failing constraint is reported, in pydantic's order.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any

from ._errors import fail

_NUMERIC = ("multiple_of", "le", "lt", "ge", "gt")
_LENGTH = ("min_length", "max_length")
_DIGITS = ("max_digits", "decimal_places")

_FIELD_TYPES = {list: "List", tuple: "Tuple", set: "Set", frozenset: "Frozenset",
                dict: "Dictionary"}

# kind of the validated value -> constraint names that apply to it
APPLICABLE: dict[str, frozenset[str]] = {
    "int": frozenset(_NUMERIC),
    "float": frozenset(_NUMERIC),
    "decimal": frozenset(_NUMERIC + _DIGITS),
    "str": frozenset((*_LENGTH, "pattern")),
    "bytes": frozenset(_LENGTH),
    "collection": frozenset(_LENGTH),
}


def display_number(value: Any) -> str:
    """A number as pydantic writes it in messages (5.0 shows as 5)."""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        text = repr(value)
        if "e" in text or "E" in text:
            return format(Decimal(text), "f")
        return text
    return str(value)


def _plural(count: Any, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


class Constraints:
    """The checks for one field; `check(value, original)` raises ValidationFailed."""

    __slots__ = ("decimal_places", "ge", "gt", "le", "lt", "max_digits", "max_length",
                 "min_length", "multiple_of", "pattern", "regex")

    def __init__(self, given: dict[str, Any]) -> None:
        self.multiple_of = given.get("multiple_of")
        self.le = given.get("le")
        self.lt = given.get("lt")
        self.ge = given.get("ge")
        self.gt = given.get("gt")
        self.min_length = given.get("min_length")
        self.max_length = given.get("max_length")
        self.pattern = given.get("pattern")
        self.max_digits = given.get("max_digits")
        self.decimal_places = given.get("decimal_places")
        pattern = self.pattern
        if pattern is not None and not isinstance(pattern, str):
            pattern = pattern.pattern  # a compiled re.Pattern
            self.pattern = pattern
        self.regex = re.compile(pattern) if pattern is not None else None

    def check(self, value: Any, original: Any) -> None:
        kind = type(value)
        if kind is str:
            self._check_str(value, original)
        elif kind is int or kind is float or isinstance(value, (int, float)):
            if not isinstance(value, bool):
                self._check_number(value, original, float if isinstance(value, float) else None)
        elif isinstance(value, Decimal):
            self._check_decimal(value, original)
            self._check_number(value, original, Decimal)
        elif isinstance(value, str):
            self._check_str(value, original)
        elif isinstance(value, (bytes, bytearray)):
            self._check_bytes(value, original)
        elif isinstance(value, (list, tuple, set, frozenset, dict)):
            self._check_collection(value, original)

    def _check_str(self, value: str, original: Any) -> None:
        if self.min_length is not None and len(value) < self.min_length:
            raise fail("string_too_short", original,
                       f"String should have at least {_plural(self.min_length, 'character')}",
                       {"min_length": self.min_length})
        if self.max_length is not None and len(value) > self.max_length:
            raise fail("string_too_long", original,
                       f"String should have at most {_plural(self.max_length, 'character')}",
                       {"max_length": self.max_length})
        if self.regex is not None and self.regex.search(value) is None:
            raise fail("string_pattern_mismatch", original,
                       f"String should match pattern '{self.pattern}'",
                       {"pattern": self.pattern})

    def _check_bytes(self, value: bytes | bytearray, original: Any) -> None:
        if self.min_length is not None and len(value) < self.min_length:
            raise fail("bytes_too_short", original,
                       f"Data should have at least {_plural(self.min_length, 'byte')}",
                       {"min_length": self.min_length})
        if self.max_length is not None and len(value) > self.max_length:
            raise fail("bytes_too_long", original,
                       f"Data should have at most {_plural(self.max_length, 'byte')}",
                       {"max_length": self.max_length})

    def _check_collection(self, value: Any, original: Any) -> None:
        field_type = _FIELD_TYPES.get(type(value), "Value")  # type: ignore[call-overload]
        size = len(value)
        if self.min_length is not None and size < self.min_length:
            raise fail("too_short", original,
                       f"{field_type} should have at least {_plural(self.min_length, 'item')} "
                       f"after validation, not {size}",
                       {"field_type": field_type, "min_length": self.min_length,
                        "actual_length": size})
        if self.max_length is not None and size > self.max_length:
            raise fail("too_long", original,
                       f"{field_type} should have at most {_plural(self.max_length, 'item')} "
                       f"after validation, not {size}",
                       {"field_type": field_type, "max_length": self.max_length,
                        "actual_length": size})

    def _check_number(self, value: Any, original: Any, cast: Any) -> None:
        def bound(limit: Any) -> Any:
            if cast is None or isinstance(limit, cast):
                return limit
            try:
                return cast(limit)
            except (TypeError, ValueError, ArithmeticError):
                return limit

        if self.multiple_of is not None:
            step = bound(self.multiple_of)
            if not _is_multiple(value, step):
                raise fail("multiple_of", original,
                           f"Input should be a multiple of {display_number(step)}",
                           {"multiple_of": step})
        if self.le is not None:
            limit = bound(self.le)
            if not value <= limit:
                raise fail("less_than_equal", original,
                           f"Input should be less than or equal to {display_number(limit)}",
                           {"le": limit})
        if self.lt is not None:
            limit = bound(self.lt)
            if not value < limit:
                raise fail("less_than", original,
                           f"Input should be less than {display_number(limit)}", {"lt": limit})
        if self.ge is not None:
            limit = bound(self.ge)
            if not value >= limit:
                raise fail("greater_than_equal", original,
                           f"Input should be greater than or equal to {display_number(limit)}",
                           {"ge": limit})
        if self.gt is not None:
            limit = bound(self.gt)
            if not value > limit:
                raise fail("greater_than", original,
                           f"Input should be greater than {display_number(limit)}",
                           {"gt": limit})

    def _check_decimal(self, value: Decimal, original: Any) -> None:
        if self.max_digits is None and self.decimal_places is None:
            return
        sign_digits_exp = value.normalize().as_tuple()
        exponent = sign_digits_exp.exponent
        if not isinstance(exponent, int):
            return
        digits = len(sign_digits_exp.digits)
        if exponent >= 0:
            decimals = 0
            total = digits + exponent
        else:
            decimals = -exponent
            total = max(digits, decimals)
        if value == 0:
            total, decimals = 1, 0
        if self.max_digits is not None and total > self.max_digits:
            raise fail("decimal_max_digits", original,
                       "Decimal input should have no more than "
                       f"{_plural(self.max_digits, 'digit')} in total",
                       {"max_digits": self.max_digits})
        if self.decimal_places is not None and decimals > self.decimal_places:
            raise fail("decimal_max_places", original,
                       "Decimal input should have no more than "
                       f"{_plural(self.decimal_places, 'decimal place')}",
                       {"decimal_places": self.decimal_places})
        if self.max_digits is not None and self.decimal_places is not None:
            whole = self.max_digits - self.decimal_places
            if total - decimals > whole:
                raise fail("decimal_whole_digits", original,
                           "Decimal input should have no more than "
                           f"{_plural(whole, 'digit')} before the decimal point",
                           {"whole_digits": whole})


def _is_multiple(value: Any, step: Any) -> bool:
    if isinstance(value, int) and isinstance(step, int):
        return step == 0 or value % step == 0
    if isinstance(value, Decimal) or isinstance(step, Decimal):
        try:
            return Decimal(value) % Decimal(step) == 0
        except ArithmeticError:
            return False
    remainder = math.fmod(float(value), float(step))
    return abs(remainder) < 1e-9 or abs(abs(remainder) - abs(float(step))) < 1e-9
