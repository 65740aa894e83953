"""JSON Schema (draft 2020-12, as OpenAPI 3.1 uses it) from Python type hints.

The output follows what pydantic v2 produces for the same annotations under
FastAPI, so a document matches FastAPI's: `Optional[int]` is
`anyOf: [{type: integer}, {type: null}]`, models, dataclasses, TypedDicts
and enums are components referenced with `$ref`, titles come from field
names, constraints use JSON Schema's keywords (gt -> exclusiveMinimum...).

Schemas are made in a *mode*: "validation" for what a request carries and
"serialization" for what a response carries. They differ for a few types
(a Decimal is accepted as a number or a string but sent as a string); a
class whose two schemas differ, and that is used both ways, becomes two
components named "Name-Input" and "Name-Output", as pydantic names them.
"""

from __future__ import annotations

import dataclasses
import enum
import inspect
import sys
import types
import typing
from collections import abc
from typing import Any

from fasterapi.encoders import jsonable_encoder
from fasterapi.params import FieldInfo

REF_PREFIX = "#/components/schemas/"
VALIDATION = "validation"
SERIALIZATION = "serialization"

JsonDict = dict[str, Any]

# Marker arguments that describe the OpenAPI parameter, not its schema.
_PARAMETER_ONLY = frozenset({"openapi_examples"})
_NUMBER_KEYWORDS = {"gt": "exclusiveMinimum", "ge": "minimum", "lt": "exclusiveMaximum",
                    "le": "maximum", "multiple_of": "multipleOf"}


class Ref:
    """A `$ref` to a class's component in one mode; named when the document is done."""

    __slots__ = ("cls", "mode")

    def __init__(self, cls: type, mode: str) -> None:
        self.cls = cls
        self.mode = mode

    def __repr__(self) -> str:
        return f"Ref({self.cls.__name__}, {self.mode})"


def title_from_name(name: str) -> str:
    """pydantic's title for a field: "item_id" -> "Item Id", "user-agent" -> "User-Agent"."""
    return name.title().replace("_", " ").strip()


def _strip_annotated(annotation: Any) -> tuple[Any, list[Any]]:
    metadata: list[Any] = []
    while True:
        if hasattr(annotation, "__supertype__"):  # NewType
            annotation = annotation.__supertype__
        elif type(annotation).__name__ == "TypeAliasType" and hasattr(annotation, "__value__"):
            annotation = annotation.__value__
        elif typing.get_origin(annotation) is typing.Annotated:
            args = typing.get_args(annotation)
            annotation = args[0]
            metadata.extend(args[1:])
        else:
            return annotation, metadata


def _is_union(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    return origin is typing.Union or origin is types.UnionType


def _is_model(cls: Any) -> bool:
    from fasterapi.models import Model

    return isinstance(cls, type) and issubclass(cls, Model)


def is_component(annotation: Any) -> bool:
    """Whether `annotation` becomes a `$ref` (a model, dataclass, TypedDict or enum)."""
    annotation, _ = _strip_annotated(annotation)
    if not isinstance(annotation, type):
        return False
    return (_is_model(annotation) or dataclasses.is_dataclass(annotation)
            or typing.is_typeddict(annotation) or issubclass(annotation, enum.Enum)
            or _is_pydantic(annotation))


def _is_pydantic(cls: type) -> bool:
    from fasterapi._pydantic import is_pydantic_model

    return bool(is_pydantic_model(cls))


def wants_title(annotation: Any) -> bool:
    """pydantic leaves the title off a field that is only a reference (or an optional one)."""
    annotation, _ = _strip_annotated(annotation)
    if _is_union(annotation):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(members) == 1:
            return wants_title(members[0])
        return True
    return not is_component(annotation)


def _json_type(values: list[Any]) -> str | None:
    kinds = {type(v) for v in values}
    for python, name in ((str, "string"), (bool, "boolean"), (int, "integer"),
                         (float, "number"), (list, "array"), (type(None), "null")):
        if kinds == {python}:
            return name
    return None


class SchemaGenerator:
    """Collects component schemas while field schemas are made; `finish` names them."""

    def __init__(self, separate_input_output: bool = True) -> None:
        self.separate = separate_input_output
        self.defs: dict[tuple[type, str], JsonDict] = {}
        self._order: list[tuple[type, str]] = []

    def mode(self, mode: str) -> str:
        return mode if self.separate else VALIDATION

    # ---- fields -----------------------------------------------------------------

    def field_schema(self, annotation: Any, mode: str, info: FieldInfo | None = None,
                     *, title: str | None = None, default: Any = dataclasses.MISSING,
                     top_level: bool = False) -> JsonDict:
        """The schema of one field or parameter: type, constraints, title, default, docs.

        `title` is used unless `info` has one or the field is a reference (a model field
        that is only an optional reference has none either, as pydantic writes it; a
        `top_level` schema, of a parameter, body or response, has one unless it is a
        `$ref`, as FastAPI writes it); `default` is shown (JSON-encoded) unless MISSING.
        """
        bare, metadata = _strip_annotated(annotation)
        infos = [m for m in metadata if isinstance(m, FieldInfo)]
        if info is not None:
            infos.append(info)
        constraints: dict[str, Any] = {}
        for item in infos:
            constraints.update(item.constraints())
        schema = self.type_schema(bare, self.mode(mode), constraints)
        explicit_title = next((i.title for i in reversed(infos) if i.title), None)
        if explicit_title:
            schema["title"] = explicit_title
        elif title is not None and (("$ref" not in schema) if top_level
                                    else wants_title(bare)):
            schema["title"] = title
        if default is not dataclasses.MISSING:
            schema["default"] = json_default(default)
        for item in infos:
            if item.description:
                schema["description"] = item.description
            if item.examples is not None:
                schema["examples"] = jsonable_encoder(item.examples)
            if item.deprecated:
                schema["deprecated"] = True
            extra = {k: v for k, v in item.extra.items() if k not in _PARAMETER_ONLY}
            if extra:
                schema.update(jsonable_encoder(extra))
        return schema

    # ---- types ------------------------------------------------------------------

    def type_schema(self, annotation: Any, mode: str,
                    constraints: dict[str, Any] | None = None) -> JsonDict:
        annotation, metadata = _strip_annotated(annotation)
        given = dict(constraints or {})
        for item in metadata:
            if isinstance(item, FieldInfo):
                given.update(item.constraints())
        if _is_union(annotation):
            members = [self.type_schema(m, mode, given) if m is not type(None)
                       else {"type": "null"} for m in typing.get_args(annotation)]
            # pydantic lifts the members of a member that is nothing but an anyOf (a
            # Decimal's number/string) into the union's own anyOf.
            return {"anyOf": [flat for member in members
                              for flat in (member["anyOf"] if member.keys() == {"anyOf"}
                                           else [member])]}
        schema = self._bare(annotation, mode)
        if given:
            _apply_constraints(schema, given)
        return schema

    def _bare(self, annotation: Any, mode: str) -> JsonDict:
        if annotation is Any or annotation is object:
            return {}
        if annotation is None or annotation is type(None):
            return {"type": "null"}
        simple = _SIMPLE.get(annotation)
        if simple is not None:
            return dict(simple)
        origin = typing.get_origin(annotation)
        args = typing.get_args(annotation)
        if origin is typing.Literal:
            return _literal(args)
        special = self._special(annotation, mode)
        if special is not None:
            return special
        container = origin if origin is not None else annotation
        if container in (list, abc.Sequence, abc.MutableSequence, abc.Iterable):
            return {"items": self.type_schema(args[0], mode) if args else {}, "type": "array"}
        if container in (set, frozenset, abc.Set, abc.MutableSet):
            return {"items": self.type_schema(args[0], mode) if args else {}, "type": "array",
                    "uniqueItems": True}
        if container is tuple:
            return self._tuple(args, mode)
        if container in (dict, abc.Mapping, abc.MutableMapping):
            value = self.type_schema(args[1], mode) if len(args) == 2 else {}
            return {"additionalProperties": value if value else True, "type": "object"}
        if isinstance(annotation, type):
            if is_component(annotation):
                return {"$ref": self.component(annotation, mode)}
            for base in (bool, int, float, str, bytes):
                if issubclass(annotation, base):
                    return dict(_SIMPLE[base])
        raise TypeError(f"no JSON Schema for type {annotation!r}")

    def _special(self, annotation: Any, mode: str) -> JsonDict | None:
        # By identity: in a 3.12 sub-interpreter these classes come from the pure-Python
        # modules (_pydatetime, _pydecimal), whose names differ.
        import datetime
        import decimal
        import uuid

        formats = {datetime.datetime: "date-time", datetime.date: "date",
                   datetime.time: "time", datetime.timedelta: "duration", uuid.UUID: "uuid"}
        found = formats.get(annotation)
        if found is not None:
            return {"type": "string", "format": found}
        if annotation is decimal.Decimal:
            if mode == SERIALIZATION:
                return {"type": "string"}
            return {"anyOf": [{"type": "number"}, {"type": "string"}]}
        return None

    def _tuple(self, args: tuple[Any, ...], mode: str) -> JsonDict:
        if not args:
            return {"items": {}, "type": "array"}
        if len(args) == 2 and args[1] is Ellipsis:
            return {"items": self.type_schema(args[0], mode), "type": "array"}
        if args == ((),):
            return {"type": "array", "maxItems": 0, "minItems": 0}
        return {"prefixItems": [self.type_schema(a, mode) for a in args], "type": "array",
                "maxItems": len(args), "minItems": len(args)}

    # ---- components --------------------------------------------------------------

    def component(self, cls: type, mode: str) -> Any:
        """A placeholder `$ref` for `cls`, making its schema on first use."""
        key = (cls, mode)
        if key not in self.defs:
            self.defs[key] = {}  # reserved: a recursive class refers to itself
            self._order.append(key)
            self.defs[key] = self._class_schema(cls, mode)
        return Ref(cls, mode)

    def _class_schema(self, cls: type, mode: str) -> JsonDict:
        if issubclass(cls, enum.Enum):
            return _enum_schema(cls)
        if _is_model(cls):
            return self._model_schema(cls, mode)
        if dataclasses.is_dataclass(cls):
            return self._dataclass_schema(cls, mode)
        if typing.is_typeddict(cls):
            return self._typeddict_schema(cls, mode)
        return self._pydantic_schema(cls, mode)

    def object_schema(self, title: str, fields: list[tuple[str, JsonDict, bool]],
                      description: str | None = None) -> JsonDict:
        """An object component from (key, schema, required) fields, in pydantic's key order."""
        schema: JsonDict = {"properties": {key: s for key, s, _ in fields}, "type": "object"}
        required = [key for key, _, needed in fields if needed]
        if required:
            schema["required"] = required
        schema["title"] = title
        if description:
            schema["description"] = description
        return schema

    def _model_schema(self, cls: type, mode: str) -> JsonDict:
        from fasterapi.models import _compiled

        fields = []
        for spec in _compiled(cls).fields:
            default = dataclasses.MISSING if spec.required or spec.factory is not None \
                else spec.default
            schema = self.field_schema(spec.info.annotation, mode, spec.info,
                                       title=title_from_name(spec.key), default=default)
            fields.append((spec.key, schema, spec.required))
        config: dict[str, Any] = getattr(cls, "__fasterapi_config__", {})
        result = self.object_schema(config.get("title") or cls.__name__, fields,
                                    _docstring(cls))
        extra = config.get("extra")
        if extra == "forbid":
            result["additionalProperties"] = False
        elif extra == "allow":
            result["additionalProperties"] = True
        schema_extra = config.get("json_schema_extra")
        if isinstance(schema_extra, dict):
            result.update(jsonable_encoder(schema_extra))
        return result

    def _dataclass_schema(self, cls: type, mode: str) -> JsonDict:
        hints = typing.get_type_hints(cls, include_extras=True)
        fields = []
        for spec in dataclasses.fields(cls):
            if not spec.init:
                continue
            hint = hints.get(spec.name, Any)
            info = spec.default if isinstance(spec.default, FieldInfo) else None
            if info is not None:
                required = info.required
                default = dataclasses.MISSING if required or info.default_factory \
                    else info.default
            else:
                required = (spec.default is dataclasses.MISSING
                            and spec.default_factory is dataclasses.MISSING)
                default = spec.default
            key = info.alias if info is not None and info.alias else spec.name
            schema = self.field_schema(hint, mode, info, title=title_from_name(key),
                                       default=default)
            fields.append((key, schema, required))
        doc = _docstring(cls)
        if doc is not None and doc.startswith(cls.__name__ + "("):
            doc = None  # the signature dataclasses writes when there is no docstring
        return self.object_schema(cls.__name__, fields, doc)

    def _typeddict_schema(self, cls: type, mode: str) -> JsonDict:
        hints = typing.get_type_hints(cls, include_extras=True)
        required_keys: frozenset[str] = getattr(cls, "__required_keys__", frozenset(hints))
        fields = []
        for name, hint in hints.items():
            bare, metadata = _strip_annotated(hint)
            required = name in required_keys
            # String annotations hide Required/NotRequired from __required_keys__.
            while typing.get_origin(bare) in (typing.Required, typing.NotRequired):
                required = typing.get_origin(bare) is typing.Required
                bare = typing.get_args(bare)[0]
            if metadata:
                bare = typing.Annotated[(bare, *metadata)]
            schema = self.field_schema(bare, mode, title=title_from_name(name))
            fields.append((name, schema, required))
        return self.object_schema(cls.__name__, fields, _docstring(cls))

    def _pydantic_schema(self, cls: type, mode: str) -> JsonDict:
        """A pydantic model (served in shared mode): pydantic writes the schema itself."""
        made: JsonDict = typing.cast(Any, cls).model_json_schema(
            ref_template="\0{model}", mode=mode)
        nested: JsonDict = made.pop("$defs", {})
        by_name = {c.__name__: c for c in _pydantic_classes(cls)}
        for name, schema in nested.items():
            nested_cls = by_name.get(name)
            if nested_cls is not None and (nested_cls, mode) not in self.defs:
                self.defs[(nested_cls, mode)] = _pydantic_refs(schema, by_name, mode)
                self._order.append((nested_cls, mode))
        result: JsonDict = _pydantic_refs(made, by_name, mode)
        return result

    # ---- naming ----------------------------------------------------------------------

    def names(self) -> dict[tuple[type, str], str]:
        """Component name of every (class, mode) made, with "-Input"/"-Output" where needed."""
        classes: dict[type, set[str]] = {}
        for cls, mode in self._order:
            classes.setdefault(cls, set()).add(mode)
        # Every class used both ways starts split; one whose two schemas are the same
        # (reading references to classes still split as different) is merged, until
        # nothing changes. A class that refers to itself therefore stays split, as in
        # pydantic.
        split = {cls for cls, modes in classes.items() if len(modes) == 2}
        changed = True
        while changed:
            changed = False
            for cls in list(split):
                validation = self.defs[(cls, VALIDATION)]
                serialization = self.defs[(cls, SERIALIZATION)]
                if _normalised(validation, split) == _normalised(serialization, split):
                    split.discard(cls)
                    changed = True
        base = _base_names(list(classes))
        named: dict[tuple[type, str], str] = {}
        for cls, mode in self._order:
            name = base[cls]
            if cls in split:
                name += "-Input" if mode == VALIDATION else "-Output"
            named[(cls, mode)] = name
        return named

    def finish(self, document: Any) -> dict[str, JsonDict]:
        """Replace every placeholder in `document` and return the component schemas."""
        named = self.names()
        schemas = {named[key]: _resolve(schema, named) for key, schema in self.defs.items()}
        _resolve_in_place(document, named)
        return schemas


def _normalised(schema: Any, split: set[type]) -> Any:
    """`schema` with each reference reduced to its class, unless that class is split."""
    if isinstance(schema, Ref):
        return (schema.cls, schema.mode) if schema.cls in split else (schema.cls,)
    if isinstance(schema, dict):
        return {k: _normalised(v, split) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_normalised(v, split) for v in schema]
    return schema


def _resolve(schema: Any, named: dict[tuple[type, str], str]) -> Any:
    if isinstance(schema, Ref):
        return REF_PREFIX + named[(schema.cls, schema.mode)]
    if isinstance(schema, dict):
        return {k: _resolve(v, named) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_resolve(v, named) for v in schema]
    return schema


def _resolve_in_place(document: Any, named: dict[tuple[type, str], str]) -> None:
    if isinstance(document, dict):
        for key, value in document.items():
            if isinstance(value, Ref):
                document[key] = REF_PREFIX + named[(value.cls, value.mode)]
            else:
                _resolve_in_place(value, named)
    elif isinstance(document, list):
        for index, value in enumerate(document):
            if isinstance(value, Ref):
                document[index] = REF_PREFIX + named[(value.cls, value.mode)]
            else:
                _resolve_in_place(value, named)


def _base_names(classes: list[type]) -> dict[type, str]:
    """Class names; classes that share a name get module-qualified ones."""
    counts: dict[str, int] = {}
    for cls in classes:
        counts[cls.__name__] = counts.get(cls.__name__, 0) + 1
    names = {}
    for cls in classes:
        name = cls.__name__
        if counts[name] > 1:
            name = f"{cls.__module__}__{cls.__qualname__}".replace(".", "__")
        names[cls] = name
    return names


def json_default(value: Any) -> Any:
    """A default as pydantic writes it in JSON mode (durations in ISO 8601)."""
    import datetime

    if isinstance(value, datetime.timedelta):
        return iso_duration(value)
    if type(value).__name__ == "Decimal" and "decimal" in sys.modules and isinstance(
            value, sys.modules["decimal"].Decimal):
        return str(value)
    return jsonable_encoder(value)


def iso_duration(value: Any) -> str:
    """pydantic's ISO 8601 duration: "PT0S", "P1DT1H1M1S", "-PT1.5S" (a year is 365 days)."""
    sign = "-" if value.days < 0 else ""
    value = abs(value)
    years, days = divmod(value.days, 365)
    hours, rest = divmod(value.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    date = (f"{years}Y" if years else "") + (f"{days}D" if days else "")
    time = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    if seconds or value.microseconds:
        fraction = f".{value.microseconds:06d}".rstrip("0") if value.microseconds else ""
        time += f"{seconds}{fraction}S"
    if not date and not time:
        return "PT0S"
    return f"{sign}P{date}" + (f"T{time}" if time else "")


def _docstring(cls: type) -> str | None:
    doc = cls.__dict__.get("__doc__")
    return inspect.cleandoc(doc) if isinstance(doc, str) and doc.strip() else None


def _enum_schema(cls: type[enum.Enum]) -> JsonDict:
    values = [member.value for member in cls]
    schema: JsonDict = {}
    kind = _json_type(values)
    if kind is not None:
        schema["type"] = kind
    schema["enum"] = jsonable_encoder(values)
    schema["title"] = cls.__name__
    doc = _docstring(cls)
    if doc is not None:
        schema["description"] = doc
    return schema


def _literal(args: tuple[Any, ...]) -> JsonDict:
    values = [a.value if isinstance(a, enum.Enum) else a for a in args]
    schema: JsonDict = {}
    kind = _json_type(values)
    if kind is not None:
        schema["type"] = kind
    if len(values) == 1:
        schema["const"] = values[0]
    else:
        schema["enum"] = values
    return schema


def _apply_constraints(schema: JsonDict, given: dict[str, Any]) -> None:
    # A Decimal's schema is anyOf number/string: the constraints are on the number.
    target = schema["anyOf"][0] if "anyOf" in schema else schema
    kind = target.get("type")
    for name, value in given.items():
        if name in _NUMBER_KEYWORDS:
            target[_NUMBER_KEYWORDS[name]] = float(value)
        elif name in ("min_length", "max_length"):
            word = "Items" if kind == "array" else ("Properties" if kind == "object"
                                                     else "Length")
            target[("min" if name == "min_length" else "max") + word] = value
        elif name == "pattern":
            target["pattern"] = value


def _pydantic_classes(cls: type) -> list[type]:
    """The classes reachable from a pydantic model's fields (to name its $defs)."""
    found: list[type] = []
    pending: list[Any] = [cls]
    while pending:
        current = pending.pop()
        if isinstance(current, type):
            if current in found:
                continue
            found.append(current)
            if hasattr(current, "model_fields"):
                pending.extend(f.annotation for f in current.model_fields.values())
            elif dataclasses.is_dataclass(current) or typing.is_typeddict(current):
                try:
                    pending.extend(typing.get_type_hints(current).values())
                except Exception:
                    continue
        pending.extend(typing.get_args(current))
    return found


def _pydantic_refs(schema: Any, by_name: dict[str, type], mode: str) -> Any:
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("\0"):
            target = by_name.get(ref[1:])
            if target is not None:
                schema = {**schema, "$ref": Ref(target, mode)}
        return {k: (v if isinstance(v, Ref) else _pydantic_refs(v, by_name, mode))
                for k, v in schema.items()}
    if isinstance(schema, list):
        return [_pydantic_refs(v, by_name, mode) for v in schema]
    return schema


_SIMPLE: dict[Any, JsonDict] = {
    int: {"type": "integer"},
    float: {"type": "number"},
    bool: {"type": "boolean"},
    str: {"type": "string"},
    bytes: {"type": "string", "contentMediaType": "application/octet-stream"},
}
