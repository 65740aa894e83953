"""Validation error records in the exact shape pydantic v2 gives FastAPI.

Clients of FastAPI apps parse 422 bodies (type, loc, msg, input, ctx), so the
wording here is part of the public contract and is checked against FastAPI in
the tests rather than paraphrased.
"""

from __future__ import annotations

from typing import Any

Loc = tuple[str | int, ...]
ErrorDict = dict[str, Any]

_MESSAGES: dict[str, str] = {
    "missing": "Field required",
    "int_type": "Input should be a valid integer",
    "int_parsing": "Input should be a valid integer, unable to parse string as an integer",
    "int_parsing_size": "Unable to parse input string as an integer, exceeded maximum size",
    "int_from_float": "Input should be a valid integer, got a number with a fractional part",
    "finite_number": "Input should be a finite number",
    "float_type": "Input should be a valid number",
    "float_parsing": "Input should be a valid number, unable to parse string as a number",
    "bool_type": "Input should be a valid boolean",
    "bool_parsing": "Input should be a valid boolean, unable to interpret input",
    "string_type": "Input should be a valid string",
    "string_unicode": (
        "Input should be a valid string, unable to parse raw data as a unicode string"),
    "bytes_type": "Input should be a valid bytes",
    "list_type": "Input should be a valid list",
    "tuple_type": "Input should be a valid tuple",
    "set_type": "Input should be a valid set",
    "frozen_set_type": "Input should be a valid frozenset",
    "set_item_not_hashable": "Set items should be hashable",
    "dict_type": "Input should be a valid dictionary",
}


class ValidationFailed(Exception):
    """Raised by a validator; carries every error found below that point.

    Locations are relative to the value being validated: containers prefix
    them on the way up, so the success path never builds location tuples.
    """

    def __init__(self, errors: list[ErrorDict]) -> None:
        super().__init__(errors)
        self.errors = errors


def error(kind: str, value: Any, loc: Loc = (), msg: str | None = None,
          ctx: dict[str, Any] | None = None) -> ErrorDict:
    record: ErrorDict = {
        "type": kind,
        "loc": loc,
        "msg": _MESSAGES[kind] if msg is None else msg,
        "input": value,
    }
    if ctx is not None:
        record["ctx"] = ctx
    return record


def fail(kind: str, value: Any, msg: str | None = None,
         ctx: dict[str, Any] | None = None) -> ValidationFailed:
    """Build (not raise) a one-error failure, so call sites read `raise fail(...)`."""
    return ValidationFailed([error(kind, value, (), msg, ctx)])


def missing(loc: Loc, value: Any = None) -> ErrorDict:
    # Request parameters report input None; dataclass fields report the
    # enclosing object, which is why the input is a parameter here.
    return error("missing", value, loc)


def prefixed(errors: list[ErrorDict], prefix: Loc) -> list[ErrorDict]:
    for record in errors:
        record["loc"] = prefix + record["loc"]
    return errors


def expected_text(values: list[Any]) -> str:
    """pydantic's "'a', 'b' or 'c'" listing used by enum and literal errors."""
    shown = [repr(v) for v in values]
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + " or " + shown[-1]
