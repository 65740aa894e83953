"""`Model` and `Field`: pydantic-style declarative models on the standard library.

    class Item(Model):
        name: str = Field(min_length=1)
        price: float = Field(gt=0)
        tags: list[str] = []
        owner: Owner | None = None

Fields are the class's type hints; defaults and `Field(...)` arguments use
pydantic's names (alias, default_factory, gt, max_length, pattern, ...).
Validation follows pydantic v2's lax mode and reports its error records, so
a Model body answers with the same 422 as a pydantic model under FastAPI.
Supported: nested models, lists/dicts of models, Optional, `model_dump`
(mode, include, exclude, by_alias, exclude_unset/defaults/none),
`model_dump_json`, `model_validate`, `model_validate_json`, `model_copy`,
`model_construct`, `model_fields`, `model_fields_set`, `model_config` keys
`extra` ("ignore", "forbid", "allow"), `populate_by_name` and `frozen`.
Not supported: field/model validators, computed fields, generics.
"""

from __future__ import annotations

import copy
import typing
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

from ._errors import ErrorDict, ValidationFailed, fail, missing, prefixed
from ._serialize import DumpOptions, _skip, dump
from ._validators import (
    UnsupportedType,
    Validator,
    attributes_of,
    compile_type,
    has_attributes,
)
from .params import FieldInfo, Required

__all__ = ["Field", "FieldInfo", "Model", "ValidationError"]

_IMMUTABLE = (int, float, str, bytes, bool, type(None), tuple, frozenset)


def Field(
    default: Any = Required,
    *,
    default_factory: Callable[[], Any] | None = None,
    alias: str | None = None,
    title: str | None = None,
    description: str | None = None,
    gt: float | None = None,
    ge: float | None = None,
    lt: float | None = None,
    le: float | None = None,
    multiple_of: float | None = None,
    min_length: int | None = None,
    max_length: int | None = None,
    pattern: str | None = None,
    max_digits: int | None = None,
    decimal_places: int | None = None,
    examples: list[Any] | None = None,
    deprecated: bool | str | None = None,
    json_schema_extra: dict[str, Any] | None = None,
    **extra: Any,
) -> Any:
    """Describe a model field: default, alias, constraints and documentation."""
    return FieldInfo(
        default, default_factory=default_factory, alias=alias, title=title,
        description=description, gt=gt, ge=ge, lt=lt, le=le, multiple_of=multiple_of,
        min_length=min_length, max_length=max_length, pattern=pattern, max_digits=max_digits,
        decimal_places=decimal_places, examples=examples, deprecated=deprecated,
        json_schema_extra=json_schema_extra, **extra)


class ValidationError(ValueError):
    """Raised by `Model(...)` and `model_validate` (pydantic's name and `errors()` shape)."""

    def __init__(self, title: str, errors: list[ErrorDict]) -> None:
        super().__init__(title, errors)
        self.title = title
        self._errors = errors

    def errors(self, *, include_url: bool = False, include_context: bool = True,
               include_input: bool = True) -> list[ErrorDict]:
        out = []
        for record in self._errors:
            copied = dict(record)
            if not include_context:
                copied.pop("ctx", None)
            if not include_input:
                copied.pop("input", None)
            out.append(copied)
        return out

    def error_count(self) -> int:
        return len(self._errors)

    def __str__(self) -> str:
        count = len(self._errors)
        lines = [f"{count} validation error{'' if count == 1 else 's'} for {self.title}"]
        for record in self._errors:
            lines.append(".".join(str(part) for part in record["loc"]) or self.title)
            lines.append(f"  {record['msg']} [type={record['type']}, "
                         f"input_value={record['input']!r}, "
                         f"input_type={type(record['input']).__name__}]")
        return "\n".join(lines)


class _FieldSpec:
    """A compiled model field."""

    __slots__ = ("alias", "as_float", "copy_default", "default", "factory", "info", "key",
                 "name", "required", "validator")

    def __init__(self, name: str, info: FieldInfo, validator: Validator) -> None:
        self.name = name
        self.info = info
        self.alias = info.alias
        self.key = info.alias or name
        self.validator = validator
        self.required = info.required
        self.default = info.default
        self.factory = info.default_factory
        self.copy_default = not isinstance(self.default, _IMMUTABLE)
        # pydantic serializes by the declared type: an int left in a float
        # field (an unvalidated default) is written as a float.
        self.as_float = validator.kind == "float"

    def default_value(self) -> Any:
        if self.factory is not None:
            return self.factory()
        return copy.deepcopy(self.default) if self.copy_default else self.default


class ModelValidator(Validator):
    kind = ""

    def __init__(self, cls: type[Model]) -> None:
        self.cls = cls
        self.tag = cls.__name__

    def validate(self, value: Any) -> Any:
        cls = self.cls
        if isinstance(value, cls):
            return value
        return cls._from_input(value)

    def is_exact(self, value: Any) -> bool:
        return isinstance(value, (self.cls, dict))


class ModelMeta(type):
    """Collects the declared fields; compiling them waits for first use (forward refs)."""

    def __new__(mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any],
                **kwargs: Any) -> ModelMeta:
        annotations = namespace.get("__annotations__", {})
        declared: dict[str, FieldInfo] = {}
        for field_name in list(annotations):
            if field_name.startswith("_"):
                continue
            annotation = annotations[field_name]
            if _is_classvar(annotation):
                continue
            default = namespace.pop(field_name, Required)
            declared[field_name] = default if isinstance(default, FieldInfo) else FieldInfo(
                default)
        namespace["__fasterapi_declared__"] = declared
        # A model declared inside a function may name that function's locals in
        # string annotations; keep them for resolving the hints later (as pydantic does).
        localns: dict[str, Any] | None = None
        if "<locals>" in namespace.get("__qualname__", ""):
            import sys

            localns = dict(sys._getframe(1).f_locals)
        namespace["__fasterapi_localns__"] = localns
        cls = super().__new__(mcs, name, bases, namespace, **kwargs)
        config: dict[str, Any] = {}
        for base in reversed(cls.__mro__):
            config.update(base.__dict__.get("model_config", {}) or {})
        cls.__fasterapi_config__ = config  # type: ignore[attr-defined]
        cls.__fasterapi_compiled__ = None  # type: ignore[attr-defined]
        return cls

    @property
    def model_fields(cls) -> dict[str, FieldInfo]:
        return {spec.name: spec.info for spec in _compiled(cls).fields}


def _is_classvar(annotation: Any) -> bool:
    if isinstance(annotation, str):
        return annotation.startswith(("ClassVar", "typing.ClassVar"))
    return annotation is ClassVar or typing.get_origin(annotation) is ClassVar


class _Compiled:
    __slots__ = ("by_key", "extra", "fields", "names", "populate_by_name", "validator")

    def __init__(self, fields: list[_FieldSpec], config: dict[str, Any],
                 validator: ModelValidator) -> None:
        self.fields = fields
        self.names = frozenset(spec.name for spec in fields)
        self.by_key = {spec.key: spec for spec in fields}
        self.extra = config.get("extra", "ignore")
        self.populate_by_name = bool(config.get("populate_by_name")
                                     or config.get("validate_by_name"))
        self.validator = validator


_compiling: dict[type, ModelValidator] = {}


def _compiled(cls: Any) -> _Compiled:
    compiled: _Compiled | None = cls.__dict__.get("__fasterapi_compiled__")
    if compiled is not None:
        return compiled
    validator = _compiling.get(cls) or ModelValidator(cls)
    _compiling[cls] = validator
    try:
        localns: dict[str, Any] = {}
        for klass in reversed(cls.__mro__):
            localns.update(klass.__dict__.get("__fasterapi_localns__") or {})
        localns.setdefault(cls.__name__, cls)
        try:
            hints = typing.get_type_hints(cls, localns=localns, include_extras=True)
        except Exception as exc:
            raise UnsupportedType(
                f"cannot resolve the type hints of model {cls.__qualname__}: {exc}") from exc
        fields: list[_FieldSpec] = []
        seen: set[str] = set()
        for klass in reversed(cls.__mro__):
            declared: dict[str, FieldInfo] = klass.__dict__.get("__fasterapi_declared__", {})
            for name, info in declared.items():
                hint = hints.get(name, Any)
                info.annotation = hint
                try:
                    field_validator = compile_type(hint, info)
                except UnsupportedType as exc:
                    raise UnsupportedType(f"field {cls.__qualname__}.{name}: {exc}") from None
                spec = _FieldSpec(name, info, field_validator)
                if name in seen:
                    fields = [spec if f.name == name else f for f in fields]
                else:
                    fields.append(spec)
                    seen.add(name)
        compiled = _Compiled(fields, cls.__fasterapi_config__, validator)
        cls.__fasterapi_compiled__ = compiled
        return compiled
    finally:
        _compiling.pop(cls, None)


class Model(metaclass=ModelMeta):
    """Base class of declarative, validated models (pydantic's BaseModel API subset)."""

    __slots__ = ("__dict__", "_fasterapi_extra", "_fasterapi_fields_set")
    if typing.TYPE_CHECKING:
        _fasterapi_extra: dict[str, Any] | None
        _fasterapi_fields_set: set[str]
    model_config: ClassVar[dict[str, Any]] = {}
    __fasterapi_fields__: ClassVar[bool] = True

    def __init__(self, /, **data: Any) -> None:
        try:
            values, fields_set, extra = _validate_fields(type(self), data)
        except ValidationFailed as exc:
            raise ValidationError(type(self).__name__, exc.errors) from None
        self.__dict__.update(values)
        object.__setattr__(self, "_fasterapi_fields_set", fields_set)
        object.__setattr__(self, "_fasterapi_extra", extra)

    # ---- validation entry points -------------------------------------------------

    @classmethod
    def __fasterapi_validator__(cls) -> ModelValidator:
        pending = _compiling.get(cls)
        if pending is not None:  # a model that refers to itself
            return pending
        return _compiled(cls).validator

    @classmethod
    def _from_input(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            if not has_attributes(value):
                raise fail("model_attributes_type", value,
                           "Input should be a valid dictionary or object to extract fields "
                           "from")
            compiled = _compiled(cls)
            names = [spec.name for spec in compiled.fields]
            names += [spec.alias for spec in compiled.fields if spec.alias]
            value = attributes_of(value, names)
        values, fields_set, extra = _validate_fields(cls, value)
        instance = cls.__new__(cls)
        instance.__dict__.update(values)
        object.__setattr__(instance, "_fasterapi_fields_set", fields_set)
        object.__setattr__(instance, "_fasterapi_extra", extra)
        return instance

    @classmethod
    def model_validate(cls, obj: Any, *, strict: bool | None = None,
                       from_attributes: bool | None = None,
                       context: Any = None) -> Any:
        try:
            return cls.__fasterapi_validator__().validate(obj)
        except ValidationFailed as exc:
            raise ValidationError(cls.__name__, exc.errors) from None

    @classmethod
    def model_validate_json(cls, json_data: str | bytes | bytearray, **kwargs: Any) -> Any:
        import json

        try:
            data = json.loads(json_data)
        except ValueError as exc:
            raise ValidationError(cls.__name__, [{
                "type": "json_invalid", "loc": (), "msg": f"Invalid JSON: {exc}",
                "input": json_data, "ctx": {"error": str(exc)}}]) from None
        return cls.model_validate(data)

    @classmethod
    def model_construct(cls, _fields_set: set[str] | None = None, **values: Any) -> Any:
        """An instance from trusted data, without validation (defaults filled in)."""
        instance = cls.__new__(cls)
        for spec in _compiled(cls).fields:
            if spec.name in values:
                instance.__dict__[spec.name] = values[spec.name]
            elif spec.key in values:
                instance.__dict__[spec.name] = values[spec.key]
            elif not spec.required:
                instance.__dict__[spec.name] = spec.default_value()
        given = set(values) if _fields_set is None else set(_fields_set)
        object.__setattr__(instance, "_fasterapi_fields_set", given & _compiled(cls).names)
        object.__setattr__(instance, "_fasterapi_extra", None)
        return instance

    # ---- introspection -------------------------------------------------------------

    @property
    def model_fields_set(self) -> set[str]:
        return self._fasterapi_fields_set

    @property
    def model_extra(self) -> dict[str, Any] | None:
        return self._fasterapi_extra

    def model_copy(self, *, update: dict[str, Any] | None = None, deep: bool = False) -> Any:
        cls = type(self)
        clone = cls.__new__(cls)
        state = copy.deepcopy(self.__dict__) if deep else dict(self.__dict__)
        if update:
            state.update(update)
        clone.__dict__.update(state)
        fields_set = set(self._fasterapi_fields_set)
        if update:
            fields_set |= set(update) & _compiled(cls).names
        object.__setattr__(clone, "_fasterapi_fields_set", fields_set)
        extra = self._fasterapi_extra
        object.__setattr__(clone, "_fasterapi_extra", None if extra is None else dict(extra))
        return clone

    # ---- output --------------------------------------------------------------------

    def model_dump(self, *, mode: str = "python", include: Any = None, exclude: Any = None,
                   by_alias: bool | None = False, exclude_unset: bool = False,
                   exclude_defaults: bool = False, exclude_none: bool = False,
                   round_trip: bool = False, warnings: Any = True) -> dict[str, Any]:
        options = DumpOptions(mode, bool(by_alias), exclude_unset, exclude_defaults,
                              exclude_none)
        return self._dump(options, _as_spec(include), _as_spec(exclude))

    def model_dump_json(self, *, indent: int | None = None, include: Any = None,
                        exclude: Any = None, by_alias: bool | None = False,
                        exclude_unset: bool = False, exclude_defaults: bool = False,
                        exclude_none: bool = False, **kwargs: Any) -> str:
        import json

        data = self.model_dump(mode="json", include=include, exclude=exclude,
                               by_alias=by_alias, exclude_unset=exclude_unset,
                               exclude_defaults=exclude_defaults, exclude_none=exclude_none)
        if indent is None:
            return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        return json.dumps(data, ensure_ascii=False, indent=indent)

    def _dump(self, options: DumpOptions, include: Any, exclude: Any) -> dict[str, Any]:
        result: dict[str, Any] = {}
        state = self.__dict__
        fields_set = self._fasterapi_fields_set
        for spec in _compiled(type(self)).fields:
            name = spec.name
            if name not in state:
                continue
            if include is not None or exclude is not None:
                skip, sub_include, sub_exclude = _skip(name, include, exclude)
                if skip:
                    continue
            else:
                sub_include = sub_exclude = None
            if options.exclude_unset and name not in fields_set:
                continue
            value = state[name]
            if options.exclude_none and value is None:
                continue
            if options.exclude_defaults and not spec.required and (
                    spec.factory is None and value == spec.default):
                continue
            key = spec.key if options.by_alias else name
            if spec.as_float and type(value) is int and options.mode == "json":
                value = float(value)
            result[key] = dump(value, options, sub_include, sub_exclude)
        extra = self._fasterapi_extra
        if extra:
            for key, value in extra.items():
                skip, sub_include, sub_exclude = _skip(key, include, exclude)
                if not skip and not (options.exclude_none and value is None):
                    result[key] = dump(value, options, sub_include, sub_exclude)
        return result

    # ---- Python protocol ------------------------------------------------------------

    def __setattr__(self, name: str, value: Any) -> None:
        cls = type(self)
        if cls.__fasterapi_config__.get("frozen"):  # type: ignore[attr-defined]
            raise ValidationError(cls.__name__, [{
                "type": "frozen_instance", "loc": (name,), "msg": "Instance is frozen",
                "input": value}])
        if name not in _compiled(cls).names and not name.startswith("_"):
            raise ValueError(f'"{cls.__name__}" object has no field "{name}"')
        self.__dict__[name] = value
        self._fasterapi_fields_set.add(name)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, Model)
        return (self.__dict__ == other.__dict__
                and self._fasterapi_extra == other._fasterapi_extra)

    def __hash__(self) -> int:
        if not type(self).__fasterapi_config__.get("frozen"):  # type: ignore[attr-defined]
            raise TypeError(f"unhashable type: {type(self).__name__!r}")
        return hash((type(self), *self.__dict__.values()))

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        yield from self.__dict__.items()
        if self._fasterapi_extra:
            yield from self._fasterapi_extra.items()

    def __repr_args__(self) -> list[tuple[str, Any]]:
        return list(self)

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in self)
        return f"{type(self).__name__}({shown})"

    def __copy__(self) -> Any:
        return self.model_copy()

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        return self.model_copy(deep=True)

    def __getstate__(self) -> dict[str, Any]:
        return {"dict": self.__dict__, "fields_set": self._fasterapi_fields_set,
                "extra": self._fasterapi_extra}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state["dict"])
        object.__setattr__(self, "_fasterapi_fields_set", state["fields_set"])
        object.__setattr__(self, "_fasterapi_extra", state["extra"])

    if not typing.TYPE_CHECKING:
        # On instances, the class-level property of the metaclass is not visible.
        @property
        def model_fields(self) -> dict[str, FieldInfo]:
            return type(self).model_fields


def _as_spec(spec: Any) -> Any:
    if spec is None or isinstance(spec, (set, dict)):
        return spec
    return set(spec)


def _validate_fields(cls: Any, data: dict[str, Any]
                     ) -> tuple[dict[str, Any], set[str], dict[str, Any] | None]:
    compiled = _compiled(cls)
    values: dict[str, Any] = {}
    fields_set: set[str] = set()
    errors: list[ErrorDict] = []
    used: set[str] | None = set() if compiled.extra != "ignore" else None
    for spec in compiled.fields:
        key = spec.key
        if key in data:
            raw = data[key]
        elif compiled.populate_by_name and spec.name in data:
            key = spec.name
            raw = data[key]
        else:
            if spec.required:
                errors.append(missing((key,), data))
            else:
                values[spec.name] = spec.default_value()
            continue
        if used is not None:
            used.add(key)
        try:
            values[spec.name] = spec.validator.validate(raw)
            fields_set.add(spec.name)
        except ValidationFailed as exc:
            errors.extend(prefixed(exc.errors, (key,)))
    extra: dict[str, Any] | None = None
    if used is not None:
        leftovers = [key for key in data if key not in used]
        if compiled.extra == "forbid":
            errors.extend({"type": "extra_forbidden", "loc": (key,),
                           "msg": "Extra inputs are not permitted", "input": data[key]}
                          for key in leftovers)
        elif compiled.extra == "allow":
            extra = {key: data[key] for key in leftovers}
    if errors:
        raise ValidationFailed(errors)
    return values, fields_set, extra
