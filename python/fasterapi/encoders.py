"""`jsonable_encoder`: FastAPI's conversion of return values to JSON-ready data.

The host calls this for every value its C encoder does not know, and each
of N interpreters imports this module, so it imports nothing up front: a
value can only be a UUID or a Decimal if its module is already loaded, and
`sys.modules` is checked instead. The rule chosen for each concrete type is
memoised, keeping repeat encodes of the same classes cheap.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

_Encoder = Callable[[Any], Any]
_IncEx = Any

# (module, class names, encoder name): tried in order with isinstance, the
# way FastAPI walks its table.
_RULES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("builtins", ("bytes",), "bytes"),
    ("datetime", ("date", "datetime", "time"), "isoformat"),
    ("datetime", ("timedelta",), "timedelta"),
    ("decimal", ("Decimal",), "decimal"),
    ("collections", ("deque",), "list"),
    ("ipaddress", ("IPv4Address", "IPv4Interface", "IPv4Network", "IPv6Address",
                   "IPv6Interface", "IPv6Network"), "str"),
    ("re", ("Pattern",), "pattern"),
    ("uuid", ("UUID",), "str"),
)

_kinds: dict[type, str] = {}


def _decimal(value: Any) -> int | float:
    # Integral decimals ("10", "1E+2") become ints so IDs round-trip;
    # anything with a fractional exponent becomes a float.
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= 0:
        return int(value)
    return float(value)


_SIMPLE: dict[str, _Encoder] = {
    "bytes": lambda o: o.decode(),
    "isoformat": lambda o: o.isoformat(),
    "timedelta": lambda o: o.total_seconds(),
    "decimal": _decimal,
    "str": str,
    "pattern": lambda o: o.pattern,
    "list": list,
}


def _module_class(module: str, name: str) -> type | None:
    loaded = sys.modules.get(module)
    found = getattr(loaded, name, None) if loaded is not None else None
    return found if isinstance(found, type) else None


def _classify(cls: type) -> str:
    if getattr(cls, "__fasterapi_fields__", False):
        return "model"
    pydantic = sys.modules.get("pydantic")
    if pydantic is not None and issubclass(cls, pydantic.BaseModel):
        return "model"
    if hasattr(cls, "__dataclass_fields__"):
        return "dataclass"
    enum_cls = _module_class("enum", "Enum")
    if enum_cls is not None and issubclass(cls, enum_cls):
        return "enum"
    pure_path = _module_class("pathlib", "PurePath")
    if pure_path is not None and issubclass(cls, pure_path):
        return "str"
    if issubclass(cls, (str, int, float)) or cls is type(None):
        return "same"
    if issubclass(cls, dict):
        return "dict"
    generator = _module_class("types", "GeneratorType")
    if issubclass(cls, (list, set, frozenset, tuple)) or (
            generator is not None and issubclass(cls, generator)):
        return "sequence"
    for module, names, kind in _RULES:
        for name in names:
            base = _module_class(module, name)
            if base is not None and issubclass(cls, base):
                return kind
    return "fallback"


def _kind(cls: type) -> str:
    kind = _kinds.get(cls)
    if kind is None:
        kind = _classify(cls)
        _kinds[cls] = kind
    return kind


def jsonable_encoder(
    obj: Any,
    include: _IncEx | None = None,
    exclude: _IncEx | None = None,
    by_alias: bool = True,
    exclude_unset: bool = False,
    exclude_defaults: bool = False,
    exclude_none: bool = False,
    custom_encoder: dict[Any, Callable[[Any], Any]] | None = None,
    sqlalchemy_safe: bool = True,
) -> Any:
    """Return `obj` as dicts, lists, str, int, float, bool and None.

    Keyword arguments keep FastAPI's signature; `by_alias`, `exclude_unset`
    and `exclude_defaults` apply to models (fasterapi.Model, or pydantic's
    when it is loaded), which are dumped in pydantic's JSON mode.
    """
    cls = type(obj)
    basic = cls is str or cls is int or cls is float or cls is bool or obj is None
    if basic and not custom_encoder:
        return obj
    if custom_encoder:
        if cls in custom_encoder:
            return custom_encoder[cls](obj)
        for encoder_type, encoder in custom_encoder.items():
            if isinstance(obj, encoder_type):
                return encoder(obj)
    if include is not None and not isinstance(include, (set, dict)):
        include = set(include)
    if exclude is not None and not isinstance(exclude, (set, dict)):
        exclude = set(exclude)
    kind = _kind(cls)
    if kind == "same":
        return obj
    if kind == "model":
        data = obj.model_dump(mode="json", include=include, exclude=exclude,
                              by_alias=by_alias, exclude_unset=exclude_unset,
                              exclude_defaults=exclude_defaults, exclude_none=exclude_none)
        return jsonable_encoder(data, exclude_none=exclude_none,
                                exclude_defaults=exclude_defaults,
                                custom_encoder=custom_encoder, sqlalchemy_safe=sqlalchemy_safe)
    if kind == "dict":
        return _encode_dict(obj, include, exclude, exclude_none, custom_encoder, sqlalchemy_safe)
    if kind == "sequence":
        return [
            jsonable_encoder(item, include, exclude, by_alias, exclude_unset,
                             exclude_defaults, exclude_none, custom_encoder, sqlalchemy_safe)
            for item in obj
        ]
    if kind == "dataclass":
        import dataclasses

        return jsonable_encoder(dataclasses.asdict(obj), include, exclude, by_alias,
                                exclude_unset, exclude_defaults, exclude_none,
                                custom_encoder, sqlalchemy_safe)
    if kind == "enum":
        return obj.value
    if kind == "fallback":
        return _fallback(obj, include, exclude, exclude_none, custom_encoder, sqlalchemy_safe)
    return _SIMPLE[kind](obj)


def _encode_dict(obj: Any, include: Any, exclude: Any, exclude_none: bool,
                 custom_encoder: Any, sqlalchemy_safe: bool) -> dict[Any, Any]:
    allowed = None
    if include is not None or exclude is not None:
        allowed = set(obj.keys())
        if include is not None:
            allowed &= set(include)
        if exclude is not None:
            allowed -= set(exclude)
    encoded: dict[Any, Any] = {}
    for key, value in obj.items():
        if sqlalchemy_safe and isinstance(key, str) and key.startswith("_sa"):
            continue
        if value is None and exclude_none:
            continue
        if allowed is not None and key not in allowed:
            continue
        # Include/exclude apply to this level only, as in FastAPI.
        new_key = jsonable_encoder(key, exclude_none=exclude_none,
                                   custom_encoder=custom_encoder,
                                   sqlalchemy_safe=sqlalchemy_safe)
        encoded[new_key] = jsonable_encoder(value, exclude_none=exclude_none,
                                            custom_encoder=custom_encoder,
                                            sqlalchemy_safe=sqlalchemy_safe)
    return encoded


def _fallback(obj: Any, include: Any, exclude: Any, exclude_none: bool,
              custom_encoder: Any, sqlalchemy_safe: bool) -> Any:
    # Last resort, as in FastAPI: anything dict() accepts, else its __dict__.
    errors: list[Exception] = []
    try:
        data = dict(obj)
    except Exception as exc:
        errors.append(exc)
        try:
            data = vars(obj)
        except Exception as exc2:
            errors.append(exc2)
            raise ValueError(errors) from exc2
    return jsonable_encoder(data, include, exclude, exclude_none=exclude_none,
                            custom_encoder=custom_encoder, sqlalchemy_safe=sqlalchemy_safe)
