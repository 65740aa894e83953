"""Compile a handler's signature into a Plan, once, when the route is added.

Classification follows FastAPI: a `Depends()`/`Security()` marker makes a
sub-dependency; `Request`, `Response` and `SecurityScopes` annotations are
injected; a name that appears in the path template is a path parameter; a
"complex" annotation (dict, list/set/tuple, dataclass, TypedDict, Model, or
a union holding one) is the JSON body; anything else is a query parameter.
`Query()`, `Path()`, `Header()`, `Cookie()` and `Body()` markers, as
defaults or inside `Annotated`, override the guess. Mistakes are reported
here, naming the handler, instead of per request.
"""

from __future__ import annotations

import functools
import inspect
import types
import typing
from collections import abc
from collections.abc import Callable, Sequence
from typing import Any

from ._plan import ASYNC_GENERATOR, COROUTINE, GENERATOR, SYNC, ParamSpec, Plan, SecurityScopes
from ._validators import UnsupportedType, Validator, compile_type, strip_annotated
from .params import Body, Depends, File, Form, Header, Param, Security, is_required
from .requests import Request

_SEQUENCE_TYPES = (list, tuple, set, frozenset, abc.Sequence)


def _is_sequence_type(annotation: Any) -> bool:
    candidates = (annotation, typing.get_origin(annotation))
    for candidate in candidates:
        if (isinstance(candidate, type) and not issubclass(candidate, (str, bytes))
                and issubclass(candidate, _SEQUENCE_TYPES)):
            return True
    return False


def _is_model_class(candidate: Any) -> bool:
    if not isinstance(candidate, type):
        return False
    if hasattr(candidate, "__fasterapi_validator__") or hasattr(candidate,
                                                                "__dataclass_fields__"):
        return True
    from ._pydantic import is_pydantic_model

    return is_pydantic_model(candidate)


def is_complex(annotation: Any) -> bool:
    """FastAPI's test for "this parameter is read from the body"."""
    annotation, _ = strip_annotated(annotation)
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is types.UnionType:
        return any(is_complex(arg) for arg in typing.get_args(annotation))
    if _is_sequence_type(annotation):
        return True
    for candidate in (annotation, origin):
        if isinstance(candidate, type) and issubclass(candidate, abc.Mapping):
            return True
        if _is_model_class(candidate):
            return True
    return False


def describe(endpoint: Callable[..., Any]) -> str:
    name = getattr(endpoint, "__qualname__", None) or repr(endpoint)
    module = getattr(endpoint, "__module__", None)
    return f"{module}.{name}" if module else name



def _marker(param: inspect.Parameter, metadata: tuple[Any, ...],
            where: str) -> tuple[Param | Depends | None, Any]:
    """The explicit source marker, if any, and the parameter's real default."""
    from_annotation = [m for m in metadata if isinstance(m, (Param, Depends))]
    marker: Param | Depends | None = from_annotation[-1] if from_annotation else None
    default = param.default
    if isinstance(default, (Param, Depends)):
        if marker is not None:
            raise TypeError(f"{where}: give `{type(marker).__name__}()` either in "
                            "Annotated or as the default, not both")
        if isinstance(default, Param):
            return default, default.default
        return default, inspect.Parameter.empty
    if isinstance(marker, Param) and not is_required(marker.default):
        raise TypeError(f"{where}: `{type(marker).__name__}` default value cannot be set "
                        "in `Annotated`; set it with `=` instead")
    return marker, default


def _annotations(endpoint: Callable[..., Any]) -> tuple[inspect.Signature, dict[str, Any]]:
    """The signature, plus fully resolved hints where typing can produce them.

    get_type_hints also resolves forward references nested inside generics
    (`list["Item"]`) but only takes functions, so partials, classes and
    callable objects are traced back to the function that declares the
    parameters.
    """
    target: Any = endpoint
    while isinstance(target, functools.partial):
        target = target.func
    if isinstance(target, type):
        target = target.__dict__.get("__init__") or getattr(target, "__init__")  # noqa: B009
    elif not inspect.isroutine(target) and callable(target):
        target = type(target).__call__
    try:
        hints = typing.get_type_hints(target, include_extras=True)
    except NameError:
        raise
    except Exception:
        return inspect.signature(endpoint, eval_str=True), {}
    return inspect.signature(endpoint), hints


def call_kind(call: Any) -> int:
    """How a dependency is called: plain, coroutine, generator or async generator."""
    candidates = [call]
    target = call
    while isinstance(target, functools.partial):
        target = target.func
        candidates.append(target)
    if not inspect.isroutine(target) and not isinstance(target, type) and callable(target):
        candidates.append(type(target).__call__)
    for candidate in candidates:
        if inspect.isasyncgenfunction(candidate):
            return ASYNC_GENERATOR
        if inspect.isgeneratorfunction(candidate):
            return GENERATOR
        if inspect.iscoroutinefunction(candidate):
            return COROUTINE
    return SYNC


def _is_response_type(hint: Any) -> bool:
    from .responses import Response

    return isinstance(hint, type) and issubclass(hint, Response)


def build_plan(endpoint: Callable[..., Any], path_param_names: set[str],
               dependencies: Sequence[Depends] = (), scopes: Sequence[str] = ()) -> Plan:
    """The plan of a route handler; `dependencies` are the route's `dependencies=[...]`."""
    plan = _build(endpoint, path_param_names, list(scopes), dependencies)
    body = plan.all_body()
    forms = [spec for spec in body if isinstance(spec.info, Form)]
    if forms and len(forms) != len(body):
        json_body = next(spec for spec in body if not isinstance(spec.info, Form))
        raise TypeError(f"{describe(endpoint)}: parameter {json_body.name!r} is a JSON body "
                        "but others are Form()/File(); a request has one body, so make it "
                        "Form() too or move the form fields into a model")
    plan.form_body = bool(forms)
    plan.embed_body = should_embed(body)
    plan.is_async = any(p.kind != SYNC for p in plan.walk()[1:])
    return plan


def should_embed(body: list[ParamSpec]) -> bool:
    return len(body) > 1 or any(spec.embed for spec in body)


def build_dependency(marker: Depends, annotation: Any, name: str | None,
                     path_param_names: set[str], parent_scopes: list[str],
                     where: str) -> Plan:
    call = marker.dependency
    if call is None:
        call = annotation
    if call is None or call is Any or not callable(call):
        raise TypeError(f"{where}: `{type(marker).__name__}()` needs a callable "
                        "(or a class annotation to call)")
    own = list(marker.scopes) if isinstance(marker, Security) else []
    scopes = parent_scopes + own
    plan = _build(call, path_param_names, scopes, ())
    plan.call = call
    plan.name = name
    plan.kind = call_kind(call)
    plan.use_cache = marker.use_cache
    plan.scope = marker.scope
    plan.own_scopes = own
    plan.security_scopes = scopes
    plan.cache_key = (call, tuple(sorted(set(scopes))))
    return plan


def _build(endpoint: Callable[..., Any], path_param_names: set[str], scopes: list[str],
           extra_dependencies: Sequence[Depends]) -> Plan:
    label = describe(endpoint)
    try:
        signature, hints = _annotations(endpoint)
    except NameError as exc:
        raise TypeError(f"{label}: cannot resolve a type annotation: {exc}") from exc
    except ValueError as exc:  # a builtin without a signature
        raise TypeError(f"{label}: cannot read its signature: {exc}") from exc
    groups: dict[str, list[ParamSpec]] = {
        "path": [], "query": [], "header": [], "cookie": [], "body": []}
    request_names: list[str] = []
    response_names: list[str] = []
    scopes_names: list[str] = []
    background_names: list[str] = []
    sub_plans: list[Plan] = []
    for index, declared in enumerate(extra_dependencies):
        where = f"{label}, dependencies[{index}]"
        sub_plans.append(build_dependency(declared, None, None, path_param_names, scopes,
                                          where))
    for param in signature.parameters.values():
        if param.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
            continue
        where = f"{label}, parameter {param.name!r}"
        annotation = hints.get(param.name, param.annotation)
        if annotation is inspect.Parameter.empty:
            annotation = Any
        hint, metadata = strip_annotated(annotation)
        marker, default = _marker(param, metadata, where)
        if marker is None and _is_upload_annotation(hint):
            marker = File()  # FastAPI reads an UploadFile parameter as File()
        if isinstance(marker, Depends):
            sub_plans.append(build_dependency(marker, hint, param.name, path_param_names,
                                              scopes, where))
            continue
        if isinstance(hint, type):
            special = _special_param(hint, param.name, request_names, response_names,
                                     scopes_names, background_names)
            if special:
                if marker is not None:
                    raise TypeError(f"{where}: a {hint.__name__} parameter takes no "
                                    f"`{type(marker).__name__}()`")
                continue
        spec = _param_spec(param.name, annotation, hint, marker, default,
                           param.name in path_param_names, where)
        groups[spec.source].append(spec)
    return Plan(groups["path"], groups["query"], groups["body"], False, request_names,
                header=groups["header"], cookie=groups["cookie"], dependencies=sub_plans,
                response_names=response_names, scopes_names=scopes_names,
                background_names=background_names)


def _special_param(hint: type, name: str, request_names: list[str], response_names: list[str],
                   scopes_names: list[str], background_names: list[str]) -> bool:
    from .background import BackgroundTasks

    if issubclass(hint, BackgroundTasks):
        background_names.append(name)
        return True
    if issubclass(hint, Request):
        request_names.append(name)
        return True
    if _is_response_type(hint):
        response_names.append(name)
        return True
    if issubclass(hint, SecurityScopes):
        scopes_names.append(name)
        return True
    return False


def _param_spec(name: str, annotation: Any, hint: Any, marker: Param | None, default: Any,
                in_path: bool, where: str) -> ParamSpec:
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
                        f"{{{name}}}")
    try:
        validator = compile_type(annotation, marker)
    except UnsupportedType as exc:
        raise TypeError(f"{where}: {exc}") from None
    _check_shape(source, hint, validator, where)
    if marker is not None and marker.alias:
        key = marker.alias
    elif isinstance(marker, Header) and marker.convert_underscores:
        key = name.replace("_", "-")
    else:
        key = name
    factory = marker.default_factory if marker is not None else None
    required = source == "path" or (factory is None and (
        default is inspect.Parameter.empty or is_required(default)))
    if marker is not None:
        marker.annotation = annotation
    return ParamSpec(
        name=name,
        key=key,
        source=source,
        validate=validator.validate,
        required=required,
        default=None if required or factory is not None else default,
        is_sequence=validator.is_sequence,
        embed=isinstance(marker, Body) and marker.embed,
        info=marker,
        annotation=annotation,
        default_factory=None if required else factory,
        reads_files=isinstance(marker, File) and _wants_bytes(hint),
        form_model=isinstance(marker, Form) and _is_form_model(_non_optional(hint)),
    )


def _check_shape(source: str, hint: Any, validator: Validator, where: str) -> None:
    if source == "body":
        return
    if source == "path" and validator.is_sequence:
        raise TypeError(f"{where}: path parameters must be single values, not {hint!r}")
    if is_complex(hint) and not _is_scalar_sequence(hint):
        kind = source.capitalize()
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


def _non_optional(annotation: Any) -> Any:
    """`X` of `X | None`; the annotation itself otherwise."""
    annotation, _ = strip_annotated(annotation)
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is types.UnionType:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _item_type(annotation: Any) -> Any:
    """The element type of a sequence annotation, else the annotation."""
    annotation = _non_optional(annotation)
    if _is_sequence_type(annotation):
        args = typing.get_args(annotation)
        return strip_annotated(args[0])[0] if args else Any
    return annotation


def _is_upload_annotation(annotation: Any) -> bool:
    from ._forms import UploadFile

    item = _item_type(annotation)
    return isinstance(item, type) and issubclass(item, UploadFile)


def _wants_bytes(annotation: Any) -> bool:
    """A File() parameter typed bytes (or a list of bytes) gets the files' contents."""
    return _item_type(annotation) is bytes


def _is_form_model(annotation: Any) -> bool:
    """A model whose fields are the form's fields: fasterapi.Model or (shared mode) a
    pydantic model, as FastAPI takes pydantic models; a dataclass stays one field."""
    if not isinstance(annotation, type) or _is_upload_annotation(annotation):
        return False
    from ._pydantic import is_pydantic_model
    from .models import Model

    return issubclass(annotation, Model) or is_pydantic_model(annotation)


def is_binary_file(annotation: Any) -> bool:
    """An UploadFile or bytes (or a list of them): OpenAPI shows it as binary content."""
    return _is_upload_annotation(annotation) or _wants_bytes(annotation)
