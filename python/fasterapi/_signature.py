"""Compile a handler's signature into a Plan, once, when the route is added.

Classification follows FastAPI: a name that appears in the path template is
a path parameter; a `Request` annotation receives the request; a "complex"
annotation (dict, list/set/tuple, dataclass, or a union holding one) is the
JSON body; anything else is a query parameter. `Query()`, `Path()` and
`Body()` markers, as defaults or inside `Annotated`, override the guess.
Mistakes are reported here, naming the handler, instead of per request.
"""

from __future__ import annotations

import functools
import inspect
import types
import typing
from collections import abc
from collections.abc import Callable
from typing import Any

from ._plan import ParamSpec, Plan
from ._validators import UnsupportedType, Validator, compile_type, strip_annotated
from .params import Body, Param, is_required
from .requests import Request

_SEQUENCE_TYPES = (list, tuple, set, frozenset, abc.Sequence)


def _is_sequence_type(annotation: Any) -> bool:
    candidates = (annotation, typing.get_origin(annotation))
    for candidate in candidates:
        if (isinstance(candidate, type) and not issubclass(candidate, (str, bytes))
                and issubclass(candidate, _SEQUENCE_TYPES)):
            return True
    return False


def is_complex(annotation: Any) -> bool:
    """FastAPI's test for "this parameter is read from the body"."""
    annotation, _ = strip_annotated(annotation)
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is types.UnionType:
        return any(is_complex(arg) for arg in typing.get_args(annotation))
    if _is_sequence_type(annotation):
        return True
    for candidate in (annotation, origin):
        if isinstance(candidate, type) and (
                issubclass(candidate, abc.Mapping) or hasattr(candidate, "__dataclass_fields__")):
            return True
    return False


def _describe(endpoint: Callable[..., Any]) -> str:
    name = getattr(endpoint, "__qualname__", None) or repr(endpoint)
    module = getattr(endpoint, "__module__", None)
    return f"{module}.{name}" if module else name


def _marker(param: inspect.Parameter, metadata: tuple[Any, ...],
            where: str) -> tuple[Param | None, Any]:
    """The explicit source marker, if any, and the parameter's real default."""
    from_annotation = [m for m in metadata if isinstance(m, Param)]
    marker = from_annotation[-1] if from_annotation else None
    default = param.default
    if isinstance(default, Param):
        if marker is not None:
            raise TypeError(f"{where}: give `{type(marker).__name__}()` either in "
                            "Annotated or as the default, not both")
        return default, default.default
    if marker is not None and not is_required(marker.default):
        raise TypeError(f"{where}: `{type(marker).__name__}` default value cannot be set "
                        "in `Annotated`; set it with `=` instead")
    return marker, default


def _annotations(endpoint: Callable[..., Any]) -> tuple[inspect.Signature, dict[str, Any]]:
    """The signature, plus fully resolved hints where typing can produce them.

    get_type_hints also resolves forward references nested inside generics
    (`list["Item"]`) but only takes functions, so partials and callable
    objects are traced back to the function that declares the parameters.
    """
    target: Any = endpoint
    while isinstance(target, functools.partial):
        target = target.func
    if not inspect.isroutine(target) and callable(target):
        target = type(target).__call__
    try:
        hints = typing.get_type_hints(target, include_extras=True)
    except NameError:
        raise
    except Exception:
        return inspect.signature(endpoint, eval_str=True), {}
    return inspect.signature(endpoint), hints


def build_plan(endpoint: Callable[..., Any], path_param_names: set[str]) -> Plan:
    label = _describe(endpoint)
    try:
        signature, hints = _annotations(endpoint)
    except NameError as exc:
        raise TypeError(f"{label}: cannot resolve a type annotation: {exc}") from exc
    path: list[ParamSpec] = []
    query: list[ParamSpec] = []
    body: list[ParamSpec] = []
    request_names: list[str] = []
    for param in signature.parameters.values():
        if param.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
            continue
        where = f"{label}, parameter {param.name!r}"
        annotation = hints.get(param.name, param.annotation)
        if annotation is inspect.Parameter.empty:
            annotation = Any
        hint, metadata = strip_annotated(annotation)
        marker, default = _marker(param, metadata, where)
        if isinstance(hint, type) and issubclass(hint, Request):
            if marker is not None:
                raise TypeError(
                    f"{where}: a Request parameter takes no `{type(marker).__name__}()`")
            request_names.append(param.name)
            continue
        in_path = param.name in path_param_names
        if marker is not None:
            source = marker.in_
        elif in_path:
            source = "path"
        elif is_complex(hint):
            source = "body"
        else:
            source = "query"
        if in_path and source != "path":
            raise TypeError(f"{where}: it is in the path template, so it cannot be "
                            f"`{type(marker).__name__}()`")
        if source == "path" and not in_path:
            raise TypeError(f"{where}: declared as a path parameter but the path has no "
                            f"{{{param.name}}}")
        try:
            validator = compile_type(hint)
        except UnsupportedType as exc:
            raise TypeError(f"{where}: {exc}") from None
        _check_shape(source, hint, validator, where)
        key = marker.alias if marker is not None and marker.alias else param.name
        required = source == "path" or default is inspect.Parameter.empty or is_required(default)
        spec = ParamSpec(
            name=param.name,
            key=key,
            source=source,
            validate=validator.validate,
            required=required,
            default=None if required else default,
            is_sequence=validator.is_sequence,
            embed=isinstance(marker, Body) and marker.embed,
        )
        {"path": path, "query": query, "body": body}[source].append(spec)
    embed_body = len(body) > 1 or any(spec.embed for spec in body)
    return Plan(path, query, body, embed_body, request_names)


def _check_shape(source: str, hint: Any, validator: Validator, where: str) -> None:
    if source == "body":
        return
    if source == "path" and validator.is_sequence:
        raise TypeError(f"{where}: path parameters must be single values, not {hint!r}")
    if is_complex(hint) and not _is_scalar_sequence(hint):
        kind = "Query" if source == "query" else "Path"
        raise TypeError(f"{where}: `{kind}` parameters must be a single value or a list of "
                        f"single values; {hint!r} can only come from the body")


def _is_scalar_sequence(annotation: Any) -> bool:
    annotation, _ = strip_annotated(annotation)
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is types.UnionType:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return any(_is_scalar_sequence(a) for a in args) and all(
            _is_scalar_sequence(a) or not is_complex(a) for a in args)
    if not _is_sequence_type(annotation):
        return False
    return all(arg is Ellipsis or not is_complex(arg) for arg in typing.get_args(annotation))

