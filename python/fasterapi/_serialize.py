"""Dumping validated values the way pydantic serializes them.

`dump(value, ...)` walks a value produced by validation: Models and
dataclasses become dicts (field order kept, aliases on request, unset,
default and None fields dropped on request), and in "json" mode every leaf
becomes JSON data with pydantic's formats (Decimal as a string, timedelta as
an ISO 8601 duration, UTC as "Z", NaN/Infinity as null).

`include`/`exclude` follow pydantic: a set of names, or a dict mapping a
name (or a list index, or "__all__") to True or to a nested spec.
"""

from __future__ import annotations

import dataclasses
import enum
import math
from typing import Any, NamedTuple


class DumpOptions(NamedTuple):
    mode: str = "python"
    by_alias: bool = False
    exclude_unset: bool = False
    exclude_defaults: bool = False
    exclude_none: bool = False


_PLAIN = (str, int, bool, type(None))


def _subspec(spec: Any, key: Any) -> Any:
    """The nested include/exclude spec for `key`, True for "all of it", None for none."""
    if spec is None:
        return None
    if isinstance(spec, dict):
        found = spec.get(key)
        if found is None:
            found = spec.get("__all__")
        return found
    return True if key in spec else None


def _skip(key: Any, include: Any, exclude: Any) -> tuple[bool, Any, Any]:
    """(skip?, nested include, nested exclude) for one key."""
    sub_include = None
    if include is not None:
        sub_include = _subspec(include, key)
        if sub_include is None or sub_include is False:
            return True, None, None
        if sub_include is True:
            sub_include = None
    sub_exclude = None
    if exclude is not None:
        sub_exclude = _subspec(exclude, key)
        if sub_exclude is True:
            return True, None, None
        if sub_exclude is False:
            sub_exclude = None
    return False, sub_include, sub_exclude


def dump(value: Any, options: DumpOptions, include: Any = None, exclude: Any = None) -> Any:
    cls = type(value)
    if cls in _PLAIN:
        return value
    if cls is float:
        if options.mode == "json" and not math.isfinite(value):
            return None
        return value
    fields = getattr(cls, "__fasterapi_fields__", None)
    if fields is not None:
        return value._dump(options, include, exclude)
    if cls is dict or isinstance(value, dict):
        result: dict[Any, Any] = {}
        for key, item in value.items():
            skip, sub_include, sub_exclude = _skip(key, include, exclude)
            if skip:
                continue
            if options.exclude_none and item is None:
                continue
            out_key = _json_key(key) if options.mode == "json" else key
            result[out_key] = dump(item, options, sub_include, sub_exclude)
        return result
    if cls is list or cls is tuple or isinstance(value, (list, tuple, set, frozenset)):
        items = []
        for index, item in enumerate(value):
            skip, sub_include, sub_exclude = _skip(index, include, exclude)
            if not skip:
                items.append(dump(item, options, sub_include, sub_exclude))
        if options.mode == "json" or isinstance(value, list):
            return items
        if isinstance(value, tuple) and hasattr(value, "_fields"):
            return cls(*items)
        return cls(items)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _dump_dataclass(value, options, include, exclude)
    pydantic_dump = _pydantic_dump(value, options, include, exclude)
    if pydantic_dump is not _NOT_PYDANTIC:
        return pydantic_dump
    if options.mode != "json":
        return value
    return json_leaf(value)


def _dump_dataclass(value: Any, options: DumpOptions, include: Any, exclude: Any) -> Any:
    result: dict[str, Any] = {}
    for field in dataclasses.fields(value):
        skip, sub_include, sub_exclude = _skip(field.name, include, exclude)
        if skip:
            continue
        item = getattr(value, field.name)
        if options.exclude_none and item is None:
            continue
        if options.exclude_defaults and field.default is not dataclasses.MISSING and (
                item == field.default):
            continue
        result[field.name] = dump(item, options, sub_include, sub_exclude)
    return result


class _NotPydantic:
    pass


_NOT_PYDANTIC: Any = _NotPydantic()


def _pydantic_dump(value: Any, options: DumpOptions, include: Any, exclude: Any) -> Any:
    from ._pydantic import is_pydantic_instance

    if not is_pydantic_instance(value):
        return _NOT_PYDANTIC
    return value.model_dump(mode=options.mode, by_alias=options.by_alias, include=include,
                            exclude=exclude, exclude_unset=options.exclude_unset,
                            exclude_defaults=options.exclude_defaults,
                            exclude_none=options.exclude_none)


def _json_key(key: Any) -> Any:
    if isinstance(key, str):
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, (int, float)):
        return str(key)
    if key is None:
        return "None"
    leaf = json_leaf(key)
    return leaf if isinstance(leaf, str) else str(leaf)


def json_leaf(value: Any) -> Any:
    """One non-container value in pydantic's JSON form."""
    import datetime
    import decimal
    import uuid

    from . import _temporal

    if isinstance(value, enum.Enum):
        return dump(value.value, DumpOptions(mode="json"))
    if isinstance(value, datetime.datetime):
        return _temporal.datetime_json(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return _temporal.time_json(value)
    if isinstance(value, datetime.timedelta):
        return _temporal.timedelta_json(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode(errors="replace")
    if isinstance(value, (str, int, float)):
        return value
    # Paths, IP addresses and other unknown objects: what FastAPI's encoder makes of them.
    from .encoders import jsonable_encoder

    return jsonable_encoder(value)
