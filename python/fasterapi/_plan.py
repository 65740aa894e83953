"""Per-request execution of a compiled parameter plan.

A plan is built once per route (see _signature.py); here it is applied to
one raw request to produce the handler's keyword arguments. Errors are
collected across all parameters and raised together, ordered as FastAPI
orders them: path, then query, then body, each in signature order.
"""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from typing import TYPE_CHECKING, Any

from ._body import ABSENT, read_body
from ._errors import ErrorDict, ValidationFailed, missing, prefixed
from .datastructures import parse_query
from .exceptions import RequestValidationError
from .requests import Request

if TYPE_CHECKING:
    from ._raw import RawRequest

_IMMUTABLE = (int, float, str, bytes, bool, type(None), tuple, frozenset)


class ParamSpec:
    """One handler parameter: where its value comes from and how to convert it."""

    __slots__ = (
        "copy_default",
        "default",
        "embed",
        "is_sequence",
        "key",
        "name",
        "required",
        "source",
        "validate",
    )

    def __init__(self, name: str, key: str, source: str, validate: Callable[[Any], Any],
                 required: bool, default: Any, is_sequence: bool = False,
                 embed: bool = False) -> None:
        self.name = name
        self.key = key
        self.source = source
        self.validate = validate
        self.required = required
        self.default = default
        # FastAPI hands each request its own copy of a mutable default.
        self.copy_default = not isinstance(default, _IMMUTABLE)
        self.is_sequence = is_sequence
        self.embed = embed

    def default_value(self) -> Any:
        return deepcopy(self.default) if self.copy_default else self.default

    def __repr__(self) -> str:
        return f"ParamSpec({self.source}:{self.key} -> {self.name})"


class Plan:
    __slots__ = ("body", "embed_body", "has_params", "path", "query", "request_names")

    def __init__(self, path: list[ParamSpec], query: list[ParamSpec], body: list[ParamSpec],
                 embed_body: bool, request_names: list[str]) -> None:
        self.path = path
        self.query = query
        self.body = body
        self.embed_body = embed_body
        self.request_names = request_names
        self.has_params = bool(path or query or body or request_names)

    def solve(self, raw: RawRequest, app: Any = None) -> dict[str, Any]:
        """Keyword arguments for the handler, or RequestValidationError."""
        if not self.has_params:
            return {}
        # The body is decoded first: a JSON syntax error is reported alone,
        # before any parameter is looked at, as in FastAPI.
        body = read_body(raw.body, raw.headers) if self.body else ABSENT
        values: dict[str, Any] = {}
        errors: list[ErrorDict] = []
        if self.path:
            params = raw.path_params
            for spec in self.path:
                _convert(spec, params.get(spec.key, ABSENT), values, errors)
        if self.query:
            _solve_query(self.query, raw.query_string, values, errors)
        if self.body:
            if self.embed_body:
                _solve_embedded_body(self.body, body, values, errors)
            else:
                _convert(self.body[0], body, values, errors, ("body",))
        if errors:
            raise RequestValidationError(errors, body=None if body is ABSENT else body)
        if self.request_names:
            request = Request(raw, app)
            for name in self.request_names:
                values[name] = request
        return values


def _convert(spec: ParamSpec, value: Any, values: dict[str, Any], errors: list[ErrorDict],
             loc: tuple[str | int, ...] | None = None) -> None:
    """Validate one value into `values`, or record why not in `errors`.

    ABSENT means the request did not carry the parameter at all; an explicit
    JSON null is a value like any other and gets validated.
    """
    if value is ABSENT:
        if spec.required:
            errors.append(missing((spec.source, spec.key) if loc is None else loc))
        else:
            values[spec.name] = spec.default_value()
        return
    try:
        values[spec.name] = spec.validate(value)
    except ValidationFailed as exc:
        errors.extend(prefixed(exc.errors, (spec.source, spec.key) if loc is None else loc))


def _solve_query(specs: list[ParamSpec], query_string: bytes, values: dict[str, Any],
                 errors: list[ErrorDict]) -> None:
    grouped: dict[str, list[str]] = {}
    for name, value in parse_query(query_string):
        entry = grouped.get(name)
        if entry is None:
            grouped[name] = [value]
        else:
            entry.append(value)
    for spec in specs:
        found = grouped.get(spec.key)
        if found is None:
            _convert(spec, ABSENT, values, errors)
        elif spec.is_sequence:
            _convert(spec, found, values, errors)
        else:
            # A repeated scalar key takes the last value, like Starlette's QueryParams.
            _convert(spec, found[-1], values, errors)


def _solve_embedded_body(specs: list[ParamSpec], body: Any, values: dict[str, Any],
                         errors: list[ErrorDict]) -> None:
    """Several body parameters: the body is an object keyed by parameter name."""
    for spec in specs:
        loc = ("body", spec.key)
        value: Any = ABSENT
        if body is not ABSENT and not isinstance(body, bytes):
            if not isinstance(body, dict):
                # FastAPI reports a non-object body as each parameter missing,
                # without falling back to defaults.
                errors.append(missing(loc))
                continue
            value = body.get(spec.key, ABSENT)
        _convert(spec, value, values, errors, loc)
