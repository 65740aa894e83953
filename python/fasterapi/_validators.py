"""Type-hint driven conversion with pydantic v2's lax-mode rules, stdlib only.

pydantic cannot load in own-GIL sub-interpreters, yet apps written for
FastAPI expect its coercions ("1.0" is a valid int, "yes" a valid bool) and
its error records. Each annotation is compiled once, at route registration,
into a tree of small validator objects; a request then only runs their
`validate` methods.
"""

from __future__ import annotations

import contextlib
import enum
import math
import types
import typing
from collections.abc import Callable
from typing import Any, ClassVar

from ._errors import ErrorDict, ValidationFailed, expected_text, fail, missing, prefixed
from ._shape import NOT_PLAIN, SHAPE_DICT, SHAPE_LIST_ONLY, SHAPE_OPTIONAL, shape_check

if typing.TYPE_CHECKING:
    from ._constraints import Constraints


class UnsupportedType(TypeError):
    """An annotation this release cannot validate; raised at registration time."""


class Validator:
    # `tag` names the type in union error locations, as pydantic does ("int",
    # "list[int]", "nullable[str]", ...).
    tag = "any"
    # True when a query parameter of this type collects every repeated key.
    is_sequence = False
    # Which constraints apply (a key of _constraints.APPLICABLE), "" for none.
    kind = ""

    def validate(self, value: Any) -> Any:
        return value

    def is_exact(self, value: Any) -> bool:
        """Whether `value` already has this type; unions prefer such members."""
        return True


class IntValidator(Validator):
    tag = "int"
    kind = "int"
    # Python's int() refuses longer digit strings by default; pydantic reports
    # them with a dedicated error type.
    _MAX_DIGITS = 4300

    def validate(self, value: Any) -> Any:
        kind = type(value)
        if kind is int:
            return value
        if kind is str:
            return self._from_str(value, value)
        if kind is bool:
            return int(value)
        if kind is float:
            return self._from_float(value)
        if isinstance(value, int):
            return int(value)
        if isinstance(value, float):
            return self._from_float(float(value))
        if isinstance(value, str):
            return self._from_str(str(value), value)
        if isinstance(value, (bytes, bytearray)):
            try:
                text = value.decode()
            except UnicodeDecodeError:
                raise fail("int_parsing", value) from None
            return self._from_str(text, value)
        raise fail("int_type", value)

    def is_exact(self, value: Any) -> bool:
        return type(value) is int

    @staticmethod
    def _from_float(value: float) -> int:
        if math.isnan(value) or math.isinf(value):
            raise fail("finite_number", value)
        if not value.is_integer():
            raise fail("int_from_float", value)
        return int(value)

    def _from_str(self, text: str, original: Any) -> int:
        if text.isascii() and text.isdigit():
            if len(text) > self._MAX_DIGITS:
                raise fail("int_parsing_size", original)
            return int(text)
        text = text.strip()
        digits = text[1:] if text[:1] in ("+", "-") else text
        # A fractional part made only of zeros is accepted ("1.00" -> 1).
        whole, dot, fraction = digits.partition(".")
        if dot and (not fraction or fraction.strip("0")):
            raise fail("int_parsing", original)
        if not _is_digit_group(whole):
            raise fail("int_parsing", original)
        if len(whole) - whole.count("_") > self._MAX_DIGITS:
            raise fail("int_parsing_size", original)
        number = int(whole)
        return -number if text[:1] == "-" else number


def _is_digit_group(text: str) -> bool:
    """ASCII digits with single underscores between them, like Python literals."""
    if not text or not text.isascii():
        return False
    if text[0] == "_" or text[-1] == "_" or "__" in text:
        return False
    return text.replace("_", "").isdigit()


class FloatValidator(Validator):
    tag = "float"
    kind = "float"

    def validate(self, value: Any) -> Any:
        kind = type(value)
        if kind is float:
            return value
        if kind is int or kind is bool:
            return self._from_int(value)
        if kind is str:
            return self._from_str(value, value)
        if isinstance(value, float):
            return float(value)
        if isinstance(value, int):
            return self._from_int(value)
        if isinstance(value, str):
            return self._from_str(str(value), value)
        if isinstance(value, (bytes, bytearray)):
            try:
                text = value.decode()
            except UnicodeDecodeError:
                raise fail("float_parsing", value) from None
            return self._from_str(text, value)
        raise fail("float_type", value)

    def is_exact(self, value: Any) -> bool:
        return type(value) is float

    @staticmethod
    def _from_int(value: int) -> float:
        try:
            return float(value)
        except OverflowError:
            raise fail("float_type", value) from None

    @staticmethod
    def _from_str(text: str, original: Any) -> float:
        text = text.strip()
        # float() would also take non-ASCII digits, which pydantic refuses.
        if text.isascii():
            try:
                return float(text)
            except ValueError:
                pass
        raise fail("float_parsing", original)


_TRUE_WORDS = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE_WORDS = frozenset({"0", "off", "f", "false", "n", "no"})


class BoolValidator(Validator):
    tag = "bool"

    def validate(self, value: Any) -> Any:
        if value is True or value is False:
            return value
        if isinstance(value, str):
            return self._from_str(value, value)
        if isinstance(value, int):
            if value in (0, 1):
                return bool(value)
            raise fail("bool_parsing", value)
        if isinstance(value, float):
            if value in (0.0, 1.0):
                return bool(value)
            raise fail("bool_type", value)
        if isinstance(value, (bytes, bytearray)):
            try:
                text = value.decode()
            except UnicodeDecodeError:
                raise fail("bool_parsing", value) from None
            return self._from_str(text, value)
        raise fail("bool_type", value)

    def is_exact(self, value: Any) -> bool:
        return type(value) is bool

    @staticmethod
    def _from_str(text: str, original: Any) -> bool:
        # pydantic matches case-insensitively but does not strip whitespace.
        word = text.lower()
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
        raise fail("bool_parsing", original)


class StrValidator(Validator):
    tag = "str"
    kind = "str"

    def validate(self, value: Any) -> Any:
        if isinstance(value, str):
            return value
        if isinstance(value, (bytes, bytearray)):
            try:
                return value.decode()
            except UnicodeDecodeError:
                raise fail("string_unicode", value) from None
        raise fail("string_type", value)

    def is_exact(self, value: Any) -> bool:
        return type(value) is str


class BytesValidator(Validator):
    tag = "bytes"
    kind = "bytes"

    def validate(self, value: Any) -> Any:
        if isinstance(value, bytes):
            return value
        if isinstance(value, str):
            return value.encode()
        if isinstance(value, bytearray):
            return bytes(value)
        raise fail("bytes_type", value)

    def is_exact(self, value: Any) -> bool:
        return type(value) is bytes


class NoneValidator(Validator):
    tag = "none"

    def validate(self, value: Any) -> Any:
        if value is None:
            return None
        raise fail("none_required", value, "Input should be None")

    def is_exact(self, value: Any) -> bool:
        return value is None


class NullableValidator(Validator):
    def __init__(self, inner: Validator) -> None:
        self.inner = inner
        self.tag = f"nullable[{inner.tag}]"
        self.is_sequence = inner.is_sequence
        self.kind = inner.kind

    def validate(self, value: Any) -> Any:
        if value is None:
            return None
        return self.inner.validate(value)

    def is_exact(self, value: Any) -> bool:
        return value is None or self.inner.is_exact(value)


class UnionValidator(Validator):
    """pydantic's "smart" union: an exact-type member wins, else the first that converts."""

    def __init__(self, members: list[Validator]) -> None:
        self.members = members
        self.tag = "union[" + ",".join(m.tag for m in members) + "]"
        self.is_sequence = any(m.is_sequence for m in members)
        self.kind = "any"

    def validate(self, value: Any) -> Any:
        for member in self.members:
            if member.is_exact(value):
                try:
                    return member.validate(value)
                except ValidationFailed:
                    pass
        errors: list[ErrorDict] = []
        for member in self.members:
            try:
                return member.validate(value)
            except ValidationFailed as exc:
                errors.extend(prefixed(exc.errors, (member.tag,)))
        raise ValidationFailed(errors)

    def is_exact(self, value: Any) -> bool:
        return any(m.is_exact(value) for m in self.members)


_SEQUENCE_INPUTS = (list, tuple, set, frozenset)


class SequenceValidator(Validator):
    """list[X], set[X], frozenset[X] and tuple[X, ...]: one item type, any length."""

    is_sequence = True
    kind = "collection"
    _ERRORS: ClassVar[dict[type, str]] = {
        list: "list_type", tuple: "tuple_type", set: "set_type", frozenset: "frozen_set_type"}
    _NAMES: ClassVar[dict[type, str]] = {
        list: "list", tuple: "tuple", set: "set", frozenset: "frozenset"}

    def __init__(self, container: type, item: Validator) -> None:
        self.container = container
        self.item = item
        self.error_kind = self._ERRORS[container]
        name = self._NAMES[container]
        self.tag = f"tuple[{item.tag}, ...]" if container is tuple else f"{name}[{item.tag}]"
        self.plain = type(item) is Validator
        self.exact = _exact_check(self)

    def validate(self, value: Any) -> Any:
        exact = self.exact
        if exact is not None and exact(value):
            return value
        if not isinstance(value, _SEQUENCE_INPUTS):
            raise fail(self.error_kind, value)
        if self.plain:
            items = list(value)
        else:
            items = []
            errors: list[ErrorDict] = []
            check = self.item.validate
            for index, entry in enumerate(value):
                try:
                    items.append(check(entry))
                except ValidationFailed as exc:
                    errors.extend(prefixed(exc.errors, (index,)))
            if errors:
                raise ValidationFailed(errors)
        if self.container is list:
            return items
        try:
            return self.container(items)
        except TypeError:
            raise fail("set_item_not_hashable", value) from None

    def is_exact(self, value: Any) -> bool:
        return type(value) is self.container


class TupleValidator(Validator):
    """tuple[A, B, C]: a fixed number of positions, each with its own type."""

    is_sequence = True
    kind = "collection"

    def __init__(self, items: list[Validator]) -> None:
        self.items = items
        self.tag = "tuple[" + ", ".join(v.tag for v in items) + "]"

    def validate(self, value: Any) -> Any:
        if not isinstance(value, _SEQUENCE_INPUTS):
            raise fail("tuple_type", value)
        entries = list(value)
        size = len(self.items)
        if len(entries) > size:
            plural = "" if size == 1 else "s"
            raise fail(
                "too_long", value,
                f"Tuple should have at most {size} item{plural} after validation, "
                f"not {len(entries)}",
                {"field_type": "Tuple", "max_length": size, "actual_length": len(entries)},
            )
        result: list[Any] = []
        errors: list[ErrorDict] = []
        for index, validator in enumerate(self.items):
            if index >= len(entries):
                errors.append(missing((index,), value))
                continue
            try:
                result.append(validator.validate(entries[index]))
            except ValidationFailed as exc:
                errors.extend(prefixed(exc.errors, (index,)))
        if errors:
            raise ValidationFailed(errors)
        return tuple(result)

    def is_exact(self, value: Any) -> bool:
        return type(value) is tuple


class DictValidator(Validator):
    kind = "collection"

    def __init__(self, key: Validator, value: Validator) -> None:
        self.key = key
        self.value = value
        self.tag = f"dict[{key.tag},{value.tag}]"
        self.plain = type(key) is Validator and type(value) is Validator
        self.exact = _exact_check(self)

    def validate(self, value: Any) -> Any:
        exact = self.exact
        if exact is not None and exact(value):
            return value
        if not isinstance(value, dict):
            raise fail("dict_type", value)
        if self.plain:
            return dict(value)
        result: dict[Any, Any] = {}
        errors: list[ErrorDict] = []
        check_key = self.key.validate
        check_value = self.value.validate
        for key, entry in value.items():
            failed = False
            try:
                new_key = check_key(key)
            except ValidationFailed as exc:
                errors.extend(prefixed(exc.errors, (key, "[key]")))
                failed = True
            try:
                new_value = check_value(entry)
            except ValidationFailed as exc:
                errors.extend(prefixed(exc.errors, (key,)))
                failed = True
            if not failed:
                result[new_key] = new_value
        if errors:
            raise ValidationFailed(errors)
        return result

    def is_exact(self, value: Any) -> bool:
        return type(value) is dict


# Validators that give back a value of exactly their type unchanged.
_EXACT_SCALARS: dict[type[Validator], type] = {
    StrValidator: str, IntValidator: int, FloatValidator: float, BoolValidator: bool,
    NoneValidator: type(None)}


def exact_shape(validator: Validator) -> Any:
    """The shape (see _shape) of the values `validator` gives back unchanged, or NOT_PLAIN.
    Constrained validators are ConstrainedValidator objects, so they never have one."""
    if type(validator) is Validator:
        return None
    scalar = _EXACT_SCALARS.get(type(validator))
    if scalar is not None:
        return scalar
    if type(validator) is DictValidator:
        if type(validator.key) is not StrValidator:
            return NOT_PLAIN
        item = exact_shape(validator.value)
        return NOT_PLAIN if item is NOT_PLAIN else (SHAPE_DICT, item)
    if type(validator) is SequenceValidator:
        if validator.container is not list:
            return NOT_PLAIN
        item = exact_shape(validator.item)
        return NOT_PLAIN if item is NOT_PLAIN else (SHAPE_LIST_ONLY, item)
    if type(validator) is NullableValidator:
        inner = exact_shape(validator.inner)
        if inner is NOT_PLAIN:
            return NOT_PLAIN
        return None if inner is None else (SHAPE_OPTIONAL, inner)
    return NOT_PLAIN


def _exact_check(validator: Validator) -> Callable[[Any], bool] | None:
    """For a container validator: a test that a value needs no validation (a dict decoded from
    JSON whose items all have their exact types), so the per-item walk in Python is skipped;
    None when the validator has no shape or takes anything (it is fast then already)."""
    shape = exact_shape(validator)
    if shape is NOT_PLAIN or getattr(validator, "plain", False):
        return None
    return shape_check(shape)


class EnumValidator(Validator):
    def __init__(self, cls: type[enum.Enum]) -> None:
        self.cls = cls
        self.tag = f"enum[{cls.__name__}]"
        members = list(cls)
        self.by_value: dict[Any, enum.Enum] = {}
        for member in members:
            # An unhashable value is left to the slow scan in validate().
            with contextlib.suppress(TypeError):
                self.by_value.setdefault(member.value, member)
        self.members = members
        expected = expected_text([m.value for m in members])
        self.ctx = {"expected": expected}
        self.msg = f"Input should be {expected}"
        # Mixed-in enums take their base type's coercions ("1" for an IntEnum).
        self.coerce: Validator | None = None
        self.str_only = issubclass(cls, str)
        if issubclass(cls, int):
            self.coerce = IntValidator()
        elif issubclass(cls, float):
            self.coerce = FloatValidator()

    def validate(self, value: Any) -> Any:
        if isinstance(value, self.cls):
            return value
        key = value
        if self.coerce is not None:
            try:
                key = self.coerce.validate(value)
            except ValidationFailed:
                raise fail("enum", value, self.msg, dict(self.ctx)) from None
        elif self.str_only and not isinstance(value, str):
            raise fail("enum", value, self.msg, dict(self.ctx))
        try:
            return self.by_value[key]
        except (KeyError, TypeError):
            pass
        for member in self.members:
            if member.value == key:
                return member
        raise fail("enum", value, self.msg, dict(self.ctx))

    def is_exact(self, value: Any) -> bool:
        return isinstance(value, self.cls)


class LiteralValidator(Validator):
    def __init__(self, values: tuple[Any, ...]) -> None:
        self.values = values
        self.tag = "literal[" + ",".join(repr(v) for v in values) + "]"
        expected = expected_text(list(values))
        self.ctx = {"expected": expected}
        self.msg = f"Input should be {expected}"

    def validate(self, value: Any) -> Any:
        for allowed in self.values:
            # 1 == True in Python, but Literal[1] must not accept True.
            if value == allowed and type(value) is type(allowed):
                return allowed
        raise fail("literal_error", value, self.msg, dict(self.ctx))

    def is_exact(self, value: Any) -> bool:
        return any(value == v and type(value) is type(v) for v in self.values)


class DataclassValidator(Validator):
    """Builds a stdlib dataclass from a JSON object, field by field.

    Fields are compiled on first use rather than in __init__ so that
    self-referencing dataclasses (a tree node holding child nodes) compile.
    """

    def __init__(self, cls: type) -> None:
        self.cls = cls
        self.tag = cls.__name__
        self.ctx = {"class_name": cls.__name__}
        self.msg = f"Input should be a dictionary or an instance of {cls.__name__}"
        self._fields: list[tuple[str, Validator, Any, Any]] | None = None

    def compile(self) -> list[tuple[str, Validator, Any, Any]]:
        import dataclasses

        if self._fields is not None:
            return self._fields
        self._fields = []
        try:
            hints = typing.get_type_hints(self.cls, include_extras=True)
        except Exception as exc:
            raise UnsupportedType(
                f"cannot resolve the type hints of dataclass {self.cls.__qualname__}: {exc}"
            ) from exc
        fields: list[tuple[str, Validator, Any, Any]] = []
        specs: dict[str, dataclasses.Field[Any]] = typing.cast(Any, self.cls).__dataclass_fields__
        for name, spec in specs.items():
            hint = hints.get(name, Any)
            if typing.get_origin(hint) is typing.ClassVar or hint is typing.ClassVar:
                continue
            if not spec.init:
                continue
            if isinstance(hint, dataclasses.InitVar):
                hint = hint.type
            default: Any = spec.default
            factory: Any = spec.default_factory
            info = default if _is_field_info(default) else None
            try:
                validator = compile_type(hint, info)
            except UnsupportedType as exc:
                raise UnsupportedType(
                    f"field {self.cls.__qualname__}.{name}: {exc}"
                ) from None
            if info is not None:
                default = dataclasses.MISSING if info.required else info.default
                factory = info.default_factory or dataclasses.MISSING
            fields.append((name, validator, default,
                           None if factory is dataclasses.MISSING else factory))
        self._fields = fields
        return fields

    def validate(self, value: Any) -> Any:
        import dataclasses

        if isinstance(value, self.cls):
            return value
        if not isinstance(value, dict):
            if not has_attributes(value):
                raise fail("dataclass_type", value, self.msg, dict(self.ctx))
            value = attributes_of(value, [f[0] for f in self.compile()])
        fields = self._fields if self._fields is not None else self.compile()
        kwargs: dict[str, Any] = {}
        errors: list[ErrorDict] = []
        for name, validator, default, factory in fields:
            if name in value:
                try:
                    kwargs[name] = validator.validate(value[name])
                except ValidationFailed as exc:
                    errors.extend(prefixed(exc.errors, (name,)))
            elif factory is not None:
                kwargs[name] = factory()
            elif default is dataclasses.MISSING:
                errors.append(missing((name,), value))
        if errors:
            raise ValidationFailed(errors)
        try:
            return self.cls(**kwargs)
        except ValueError as exc:
            raise fail("value_error", value, f"Value error, {exc}", {"error": exc}) from None
        except AssertionError as exc:
            raise fail("assertion_error", value, f"Assertion failed, {exc}",
                       {"error": exc}) from None

    def is_exact(self, value: Any) -> bool:
        # pydantic tries a dataclass member first for any dict, keeping it if
        # validation succeeds; a plain `dict` member then catches the rest.
        return isinstance(value, (self.cls, dict))


_PLAIN_INPUTS = (str, bytes, bytearray, int, float, bool, type(None), list, tuple, set,
                 frozenset, dict)


def has_attributes(value: Any) -> bool:
    """Whether `value` is an object to read fields from (pydantic's from_attributes)."""
    return not isinstance(value, _PLAIN_INPUTS)


class _Missing:
    pass


ATTRIBUTE_MISSING: Any = _Missing()


def attributes_of(value: Any, names: list[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name in names:
        attribute = getattr(value, name, ATTRIBUTE_MISSING)
        if attribute is not ATTRIBUTE_MISSING:
            found[name] = attribute
    return found


def _is_field_info(value: Any) -> bool:
    from .params import FieldInfo

    return isinstance(value, FieldInfo)


class ConstrainedValidator(Validator):
    """Runs the inner validator, then the field's constraints on its result."""

    def __init__(self, inner: Validator, constraints: Constraints) -> None:
        self.inner = inner
        self.constraints = constraints
        self.tag = inner.tag
        self.is_sequence = inner.is_sequence
        self.kind = inner.kind

    def validate(self, value: Any) -> Any:
        result = self.inner.validate(value)
        if result is not None:
            self.constraints.check(result, value)
        return result

    def is_exact(self, value: Any) -> bool:
        return self.inner.is_exact(value)


class UUIDValidator(Validator):
    tag = "uuid"
    _HEX = frozenset("0123456789abcdefABCDEF")

    def validate(self, value: Any) -> Any:
        import uuid

        if isinstance(value, uuid.UUID):
            return value
        if isinstance(value, (bytes, bytearray)):
            if len(value) == 16:
                return uuid.UUID(bytes=bytes(value))
            try:
                value_text = value.decode()
            except UnicodeDecodeError:
                raise self._parsing(value, "invalid UTF-8") from None
            return self._from_str(value_text, value)
        if isinstance(value, str):
            return self._from_str(value, value)
        raise fail("uuid_type", value, "UUID input should be a string, bytes or UUID object")

    def _from_str(self, text: str, original: Any) -> Any:
        import uuid

        body = text
        offset = 0
        if body[:9].lower() == "urn:uuid:":
            body, offset = body[9:], 9
        elif body[:1] == "{" and body[-1:] == "}":
            body, offset = body[1:-1], 1
        for index, char in enumerate(body):
            if char not in self._HEX and char != "-":
                raise self._parsing(original,
                                    f"invalid character: found `{char}` at {index + offset}")
        hexdigits = body.replace("-", "")
        if len(body) not in (32, 36) or len(hexdigits) != 32:
            raise self._parsing(original, f"invalid length: found {len(body)}")
        if len(body) == 36 and [len(g) for g in body.split("-")] != [8, 4, 4, 4, 12]:
            raise self._parsing(original, "invalid group count: expected 5")
        return uuid.UUID(hexdigits)

    @staticmethod
    def _parsing(value: Any, reason: str) -> ValidationFailed:
        return fail("uuid_parsing", value, f"Input should be a valid UUID, {reason}",
                    {"error": reason})

    def is_exact(self, value: Any) -> bool:
        import uuid

        return isinstance(value, uuid.UUID)


class DecimalValidator(Validator):
    tag = "decimal"
    kind = "decimal"

    def validate(self, value: Any) -> Any:
        from decimal import Decimal, InvalidOperation

        if isinstance(value, Decimal):
            result = value
        elif isinstance(value, bool) or not isinstance(value, (int, float, str, bytes)):
            raise fail("decimal_type", value,
                       "Decimal input should be an integer, float, string or Decimal object")
        else:
            text = value.decode(errors="replace") if isinstance(value, bytes) else value
            try:
                result = Decimal(str(text) if isinstance(text, float) else text)
            except (InvalidOperation, ValueError, TypeError):
                raise fail("decimal_parsing", value, "Input should be a valid decimal") from None
        if not result.is_finite():
            raise fail("finite_number", value)
        return result

    def is_exact(self, value: Any) -> bool:
        from decimal import Decimal

        return isinstance(value, Decimal)


class TemporalValidator(Validator):
    """date, datetime, time and timedelta (see _temporal.py)."""

    def __init__(self, cls: type) -> None:
        from . import _temporal

        self.cls = cls
        self.tag = {"datetime": "datetime", "date": "date", "time": "time",
                    "timedelta": "timedelta"}[cls.__name__]
        self.validate = getattr(_temporal, "validate_" + self.tag)  # type: ignore[method-assign]

    def is_exact(self, value: Any) -> bool:
        return type(value) is self.cls


_TYPEDDICT_QUALIFIERS = tuple(
    q for q in (typing.Required, typing.NotRequired, getattr(typing, "ReadOnly", None))
    if q is not None)


class TypedDictValidator(Validator):
    """A TypedDict: required and NotRequired keys, extra keys dropped (pydantic's default)."""

    kind = "collection"

    def __init__(self, cls: type) -> None:
        self.cls = cls
        self.tag = cls.__name__
        self._fields: list[tuple[str, Validator, bool]] | None = None

    def compile(self) -> list[tuple[str, Validator, bool]]:
        if self._fields is not None:
            return self._fields
        try:
            hints = typing.get_type_hints(self.cls, include_extras=True)
        except Exception as exc:
            raise UnsupportedType(
                f"cannot resolve the type hints of TypedDict {self.cls.__qualname__}: {exc}"
            ) from exc
        required: frozenset[str] = getattr(self.cls, "__required_keys__", frozenset(hints))
        fields: list[tuple[str, Validator, bool]] = []
        self._fields = fields
        for name, declared in hints.items():
            hint, _ = strip_annotated(declared)
            while typing.get_origin(hint) in _TYPEDDICT_QUALIFIERS:
                hint = typing.get_args(hint)[0]
            try:
                fields.append((name, compile_type(hint), name in required))
            except UnsupportedType as exc:
                self._fields = None
                raise UnsupportedType(f"field {self.cls.__qualname__}.{name}: {exc}") from None
        return fields

    def validate(self, value: Any) -> Any:
        if not isinstance(value, dict):
            if not has_attributes(value):
                raise fail("dict_type", value)
            value = attributes_of(value, [f[0] for f in self.compile()])
        fields = self._fields if self._fields is not None else self.compile()
        result: dict[str, Any] = {}
        errors: list[ErrorDict] = []
        for name, validator, required in fields:
            if name in value:
                try:
                    result[name] = validator.validate(value[name])
                except ValidationFailed as exc:
                    errors.extend(prefixed(exc.errors, (name,)))
            elif required:
                errors.append(missing((name,), value))
        if errors:
            raise ValidationFailed(errors)
        return result

    def is_exact(self, value: Any) -> bool:
        return isinstance(value, dict)


def constrain(validator: Validator, given: dict[str, Any]) -> Validator:
    """Wrap `validator` with field constraints, refusing ones that cannot apply."""
    if not given:
        return validator
    from ._constraints import APPLICABLE, Constraints

    if validator.kind != "any":
        allowed = APPLICABLE.get(validator.kind, frozenset())
        unknown = sorted(set(given) - allowed)
        if unknown:
            raise UnsupportedType(
                f"constraint(s) {', '.join(unknown)} cannot apply to type {validator.tag}")
    return ConstrainedValidator(validator, Constraints(given))


_SCALARS: dict[Any, type[Validator]] = {
    int: IntValidator,
    float: FloatValidator,
    bool: BoolValidator,
    str: StrValidator,
    bytes: BytesValidator,
}

_CONTAINERS: dict[Any, type] = {
    list: list,
    set: set,
    frozenset: frozenset,
    tuple: tuple,
}

_dataclass_cache: dict[type, DataclassValidator] = {}


def strip_annotated(annotation: Any) -> tuple[Any, tuple[Any, ...]]:
    """(type, metadata) of `Annotated[type, *metadata]`; metadata is () otherwise."""
    metadata: tuple[Any, ...] = ()
    while typing.get_origin(annotation) is typing.Annotated:
        args = typing.get_args(annotation)
        annotation = args[0]
        metadata = metadata + tuple(args[1:])
    return annotation, metadata


def _unalias(annotation: Any) -> Any:
    """Follow NewType and PEP 695 `type X = ...` aliases to the real type."""
    while True:
        if hasattr(annotation, "__supertype__"):
            annotation = annotation.__supertype__
        elif type(annotation).__name__ == "TypeAliasType" and hasattr(annotation, "__value__"):
            annotation = annotation.__value__
        else:
            return annotation


def compile_type(annotation: Any, info: Any = None) -> Validator:
    """Compile a type hint into a validator; UnsupportedType names what is missing.

    Constraints come from `info` (a FieldInfo) and from FieldInfo objects in
    `Annotated[...]` metadata.
    """
    annotation, metadata = strip_annotated(_unalias(annotation))
    given: dict[str, Any] = {}
    for item in metadata:
        if _is_field_info(item):
            given.update(item.constraints())
    if info is not None:
        given.update(info.constraints())
    validator = _compile_bare(_unalias(annotation))
    return constrain(validator, given) if given else validator


def _compile_bare(annotation: Any) -> Validator:
    if annotation is Any or annotation is object:
        return Validator()
    if annotation is None or annotation is type(None):
        return NoneValidator()
    scalar = _SCALARS.get(annotation)
    if scalar is not None:
        return scalar()
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Union or origin is types.UnionType:
        return _compile_union(args)
    if origin is typing.Literal:
        return LiteralValidator(args)
    if annotation in _CONTAINERS:
        return SequenceValidator(_CONTAINERS[annotation], Validator())
    if annotation is dict:
        return DictValidator(Validator(), Validator())
    container = _abstract_origin(origin)
    if container is dict:
        key, value = (*args, Any, Any)[:2]
        return DictValidator(compile_type(key), compile_type(value))
    if container is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return SequenceValidator(tuple, compile_type(args[0]))
        if args == ((),):  # tuple[()]
            return TupleValidator([])
        return TupleValidator([compile_type(a) for a in args])
    if container is not None:
        item = compile_type(args[0]) if args else Validator()
        return SequenceValidator(container, item)
    if isinstance(annotation, type):
        # only a class of those modules can be one, and importing them costs ~0.3 MB per
        # interpreter that an app without such parameters need not pay
        special = (_special_types().get(annotation)
                   if annotation.__module__ in _SPECIAL_MODULES else None)
        if special is not None:
            made: Validator = special(annotation)
            return made
        if issubclass(annotation, enum.Enum):
            return EnumValidator(annotation)
        hook = getattr(annotation, "__fasterapi_validator__", None)
        if hook is not None:
            hooked: Validator = hook()
            return hooked
        if hasattr(annotation, "__dataclass_fields__"):
            return _compile_dataclass(annotation)
        if typing.is_typeddict(annotation):
            return _compile_typeddict(annotation)
        pydantic_validator = _pydantic_validator(annotation)
        if pydantic_validator is not None:
            return pydantic_validator
        for base, factory in _SCALARS.items():
            if issubclass(annotation, base) and base is not bool:
                return factory()
    raise UnsupportedType(
        f"type {annotation!r} is not supported yet (supported: int, float, bool, str, "
        "bytes, Decimal, UUID, datetime/date/time/timedelta, Any, Optional/unions, "
        "Literal, Enum, list/set/frozenset/tuple/dict of those, dataclasses, TypedDict "
        "and fasterapi.Model)"
    )


def _abstract_origin(origin: Any) -> type | None:
    """Concrete container that pydantic produces for a generic's origin."""
    if origin is None:
        return None
    if origin in (list, set, frozenset, tuple, dict):
        return typing.cast(type, origin)
    from collections import abc

    if origin in (abc.Sequence, abc.MutableSequence):
        return list
    if origin in (abc.Set, abc.MutableSet):
        return set
    if origin in (abc.Mapping, abc.MutableMapping):
        return dict
    return None


def _compile_union(args: tuple[Any, ...]) -> Validator:
    members = [a for a in args if a is not type(None) and a is not None]
    nullable = len(members) != len(args)
    inner: Validator
    if len(members) == 1:
        inner = compile_type(members[0])
    else:
        inner = UnionValidator([compile_type(m) for m in members])
    return NullableValidator(inner) if nullable else inner


def _compile_dataclass(cls: type) -> DataclassValidator:
    cached = _dataclass_cache.get(cls)
    if cached is not None:
        return cached
    validator = DataclassValidator(cls)
    _dataclass_cache[cls] = validator
    try:
        validator.compile()
    except BaseException:
        del _dataclass_cache[cls]
        raise
    return validator


_typeddict_cache: dict[type, TypedDictValidator] = {}
_special: dict[Any, Any] | None = None
# (_pydatetime: where 3.12 sub-interpreters get datetime's classes from)
_SPECIAL_MODULES = frozenset({"uuid", "decimal", "_pydecimal", "datetime", "_pydatetime"})


def _special_types() -> dict[Any, Any]:
    """Validators for stdlib classes, keyed by class (built once per interpreter)."""
    global _special
    if _special is None:
        import datetime
        import decimal
        import uuid

        _special = {
            uuid.UUID: lambda cls: UUIDValidator(),
            decimal.Decimal: lambda cls: DecimalValidator(),
            datetime.datetime: TemporalValidator,
            datetime.date: TemporalValidator,
            datetime.time: TemporalValidator,
            datetime.timedelta: TemporalValidator,
        }
    return _special


def _compile_typeddict(cls: type) -> TypedDictValidator:
    cached = _typeddict_cache.get(cls)
    if cached is not None:
        return cached
    validator = TypedDictValidator(cls)
    _typeddict_cache[cls] = validator
    try:
        validator.compile()
    except BaseException:
        del _typeddict_cache[cls]
        raise
    return validator


def _pydantic_validator(cls: type) -> Validator | None:
    import sys

    if "pydantic" not in sys.modules:
        return None
    from ._pydantic import pydantic_validator

    return pydantic_validator(cls)
