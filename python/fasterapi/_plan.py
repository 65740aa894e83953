"""Per-request execution of a compiled parameter plan.

A plan is built once per route, and once per dependency (see _signature.py);
here it is applied to one raw request to produce keyword arguments. Errors
are collected across all parameters and raised together, ordered as FastAPI
orders them: the dependencies' errors first (in declaration order), then
path, query, header, cookie and body, each in signature order.

A plan without dependencies is solved by `Plan.solve`, the fast path. A plan
with dependencies is solved by `solve_tree`, a generator that yields the
awaitables of async dependencies to whichever driver runs it (a sync one
that runs them on a private loop, or an async one that awaits them).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from copy import deepcopy
from typing import TYPE_CHECKING, Any

from ._body import ABSENT, read_body
from ._concurrency import run_coroutine
from ._errors import ErrorDict, ValidationFailed, missing, prefixed
from ._forms import FormData, UploadFile, form_of
from .datastructures import parse_query
from .exceptions import RequestValidationError
from .params import Form
from .requests import Request, parse_cookie_header

if TYPE_CHECKING:
    from ._raw import RawRequest
    from .params import FieldInfo

_IMMUTABLE = (int, float, str, bytes, bool, type(None), tuple, frozenset)

# How a dependency is called.
SYNC, COROUTINE, GENERATOR, ASYNC_GENERATOR = range(4)


class ParamSpec:
    """One parameter: where its value comes from and how to convert it."""

    __slots__ = (
        "annotation",
        "copy_default",
        "default",
        "default_factory",
        "embed",
        "form_model",
        "info",
        "is_sequence",
        "key",
        "lookup",
        "name",
        "pick",
        "reads_files",
        "required",
        "source",
        "validate",
    )

    def __init__(self, name: str, key: str, source: str, validate: Callable[[Any], Any],
                 required: bool, default: Any, is_sequence: bool = False,
                 embed: bool = False, info: FieldInfo | None = None,
                 annotation: Any = None,
                 default_factory: Callable[[], Any] | None = None,
                 reads_files: bool = False, form_model: bool = False) -> None:
        self.name = name
        self.key = key
        self.source = source
        self.validate = validate
        self.required = required
        self.default = default
        self.default_factory = default_factory
        # FastAPI hands each request its own copy of a mutable default.
        self.copy_default = default_factory is not None or not isinstance(default, _IMMUTABLE)
        self.is_sequence = is_sequence
        self.embed = embed
        self.info = info
        self.annotation = annotation
        # Form fields: a File() typed bytes gets the content of the upload; a form model
        # is built from every field of the form.
        self.reads_files = reads_files
        self.form_model = form_model
        # Headers are matched case-insensitively: the host gives lower-case names.
        self.lookup = key.lower() if source == "header" else key
        self.pick = 0 if source == "header" else -1

    def default_value(self) -> Any:
        if self.default_factory is not None:
            return self.default_factory()
        return deepcopy(self.default) if self.copy_default else self.default

    def __repr__(self) -> str:
        return f"ParamSpec({self.source}:{self.key} -> {self.name})"


class Plan:
    """The compiled parameters of a handler or of a dependency (FastAPI's Dependant)."""

    __slots__ = (
        "background_names",
        "body",
        "cache_key",
        "call",
        "cookie",
        "dependencies",
        "embed_body",
        "form_body",
        "has_params",
        "header",
        "is_async",
        "kind",
        "name",
        "own_scopes",
        "path",
        "query",
        "request_names",
        "response_names",
        "scope",
        "scopes_names",
        "security_scopes",
        "simple",
        "use_cache",
    )

    def __init__(self, path: list[ParamSpec], query: list[ParamSpec], body: list[ParamSpec],
                 embed_body: bool, request_names: list[str],
                 header: list[ParamSpec] | None = None, cookie: list[ParamSpec] | None = None,
                 dependencies: list[Plan] | None = None,
                 response_names: list[str] | None = None,
                 scopes_names: list[str] | None = None,
                 background_names: list[str] | None = None) -> None:
        self.path = path
        self.query = query
        self.header = header or []
        self.cookie = cookie or []
        self.body = body
        self.embed_body = embed_body
        # The body is a form (the parameters are Form()/File()); set by build_plan.
        self.form_body = False
        self.request_names = request_names
        self.response_names = response_names or []
        self.scopes_names = scopes_names or []
        self.background_names = background_names or []
        self.dependencies = dependencies or []
        # Set for dependencies by _signature.build_dependency.
        self.call: Any = None
        self.name: str | None = None
        self.kind = SYNC
        self.use_cache = True
        self.scope: str | None = None
        self.own_scopes: list[str] = []
        self.security_scopes: list[str] = []
        self.cache_key: Any = None
        self.is_async = False
        self.has_params = bool(path or query or body or request_names or self.header
                               or self.cookie)
        self.simple = not (self.dependencies or self.response_names or self.scopes_names
                           or self.background_names)

    def all_body(self) -> list[ParamSpec]:
        """Body parameters of this plan and of every dependency below it, deduplicated."""
        found: list[ParamSpec] = []
        seen: set[str] = set()
        for dependency in self.dependencies:
            for spec in dependency.all_body():
                if spec.key not in seen:
                    seen.add(spec.key)
                    found.append(spec)
        for spec in self.body:
            if spec.key not in seen:
                seen.add(spec.key)
                found.append(spec)
        return found

    def walk(self) -> list[Plan]:
        """This plan and every dependency plan below it."""
        found = [self]
        for dependency in self.dependencies:
            found.extend(dependency.walk())
        return found

    def solve(self, raw: RawRequest, app: Any = None) -> dict[str, Any]:
        """Keyword arguments for a handler without dependencies, or RequestValidationError."""
        if not self.has_params:
            return {}
        # The body is decoded first: a JSON syntax error is reported alone,
        # before any parameter is looked at, as in FastAPI.
        body = read_request_body(raw, self.form_body) if self.body else ABSENT
        values: dict[str, Any] = {}
        errors: list[ErrorDict] = []
        if self.path:
            params = raw.path_params
            for spec in self.path:
                _convert(spec, params.get(spec.key, ABSENT), values, errors)
        if self.query:
            _solve_multi(self.query, _group_query(raw.query_string), values, errors)
        if self.header:
            _solve_multi(self.header, _group_headers(raw.headers), values, errors)
        if self.cookie:
            _solve_cookies(self.cookie, _cookies(raw.headers), values, errors)
        if self.body:
            _solve_body(self.body, body, self.embed_body, values, errors)
        if errors:
            raise RequestValidationError(errors, body=error_body(body))
        if self.request_names:
            request = Request(raw, app)
            if isinstance(body, FormData):
                request._form = body
            for name in self.request_names:
                values[name] = request
        return values

    def __repr__(self) -> str:
        name = getattr(self.call, "__qualname__", None) or repr(self.call)
        return f"<Plan {name}>"


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


def _group_query(query_string: bytes) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name, value in parse_query(query_string):
        entry = grouped.get(name)
        if entry is None:
            grouped[name] = [value]
        else:
            entry.append(value)
    return grouped


def _group_headers(headers: list[tuple[bytes, bytes]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name, value in headers:
        key = name.decode("latin-1")
        text = value.decode("latin-1")
        entry = grouped.get(key)
        if entry is None:
            grouped[key] = [text]
        else:
            entry.append(text)
    return grouped


def _cookies(headers: list[tuple[bytes, bytes]]) -> dict[str, str]:
    for name, value in headers:
        if name == b"cookie":
            return parse_cookie_header(value.decode("latin-1"))
    return {}


def _solve_multi(specs: list[ParamSpec], grouped: dict[str, list[str]],
                 values: dict[str, Any], errors: list[ErrorDict]) -> None:
    """Query parameters and headers: a key may repeat; lists collect every value."""
    for spec in specs:
        found = grouped.get(spec.lookup)
        if found is None:
            _convert(spec, ABSENT, values, errors)
        elif spec.is_sequence:
            _convert(spec, found, values, errors)
        else:
            # Starlette's QueryParams gives the last of a repeated key, and
            # Headers.get the first of a repeated header.
            _convert(spec, found[spec.pick], values, errors)


def _solve_cookies(specs: list[ParamSpec], cookies: dict[str, str], values: dict[str, Any],
                   errors: list[ErrorDict]) -> None:
    for spec in specs:
        _convert(spec, cookies.get(spec.key, ABSENT), values, errors)


def read_request_body(raw: RawRequest, form: bool) -> Any:
    """The JSON body (see read_body), or the FormData of a form route."""
    if form:
        return form_of(raw)
    return read_body(raw.body, raw.headers)


def error_body(body: Any) -> Any:
    """What RequestValidationError.body holds: the decoded body (a form as FastAPI's dict)."""
    if body is ABSENT:
        return None
    if isinstance(body, FormData):
        return {key: body.getlist(key) if len(body.getlist(key)) > 1 else body[key]
                for key in body}
    return body


def _form_value(spec: ParamSpec, form: FormData) -> Any:
    """FastAPI's _get_multidict_value: the last value, or every value for a list; an
    empty string counts as absent."""
    if spec.is_sequence:
        found: Any = form.getlist(spec.key)
        if not found:
            return ABSENT
    else:
        found = form.get(spec.key, ABSENT)
        if found is ABSENT or found == "":
            return ABSENT
    if spec.reads_files:
        if isinstance(found, UploadFile):
            found = found.file.read()
        elif isinstance(found, list):
            found = [v.file.read() if isinstance(v, UploadFile) else v for v in found]
    return found


def _form_model_value(spec: ParamSpec, form: FormData) -> dict[str, Any]:
    """The input of a form model: each field by name (lists whole), as FastAPI builds it."""
    value: dict[str, Any] = {}
    for key in form:
        found = form.getlist(key)
        value[key] = found if len(found) > 1 else found[0]
    return value


def _solve_form(specs: list[ParamSpec], form: Any, values: dict[str, Any],
                errors: list[ErrorDict]) -> None:
    if not isinstance(form, FormData):  # not a form content type: every field is missing
        form = FormData()
    for spec in specs:
        if spec.form_model:
            _convert(spec, _form_model_value(spec, form), values, errors, ("body",))
        else:
            _convert(spec, _form_value(spec, form), values, errors, ("body", spec.key))


def _solve_body(specs: list[ParamSpec], body: Any, embed: bool, values: dict[str, Any],
                errors: list[ErrorDict]) -> None:
    if specs and _is_form_spec(specs[0]):
        _solve_form(specs, body, values, errors)
    elif embed:
        _solve_embedded_body(specs, body, values, errors)
    else:
        _convert(specs[0], body, values, errors, ("body",))


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


def _is_form_spec(spec: ParamSpec) -> bool:
    return isinstance(spec.info, Form)


# ---- plans with dependencies ----------------------------------------------------


class SecurityScopes:
    """The OAuth2 scopes required by the dependants above a security dependency."""

    def __init__(self, scopes: list[str] | None = None) -> None:
        self.scopes: list[str] = list(scopes or [])
        self.scope_str = " ".join(self.scopes)

    def __repr__(self) -> str:
        return f"SecurityScopes(scopes={self.scopes!r})"


class SolveContext:
    """What one request shares while its dependency tree is solved."""

    __slots__ = (
        "app",
        "background",
        "body",
        "cache",
        "cookies",
        "embed_body",
        "form_body",
        "headers",
        "overrides",
        "query",
        "raw",
        "request",
        "stack",
        "sub_response",
    )

    def __init__(self, raw: RawRequest, app: Any, embed_body: bool,
                 overrides: Callable[[Plan], Plan] | None, form_body: bool = False) -> None:
        self.raw = raw
        self.app = app
        self.embed_body = embed_body
        self.form_body = form_body
        self.overrides = overrides
        self.body: Any = ABSENT
        self.query: dict[str, list[str]] | None = None
        self.headers: dict[str, list[str]] | None = None
        self.cookies: dict[str, str] | None = None
        self.request: Request | None = None
        self.sub_response: Any = None
        self.background: Any = None
        self.cache: dict[Any, Any] = {}
        # Open `yield` dependencies, in the order they were entered: (scope, kind, iterator).
        self.stack: list[tuple[str | None, int, Any]] = []

    def get_request(self) -> Request:
        if self.request is None:
            self.request = Request(self.raw, self.app)
            if isinstance(self.body, FormData):
                self.request._form = self.body
        return self.request

    def get_sub_response(self) -> Any:
        if self.sub_response is None:
            from .responses import Response

            response = Response()
            response.status_code = None  # type: ignore[assignment]
            self.sub_response = response
        return self.sub_response


Solver = Generator[Any, Any, tuple[dict[str, Any], list[ErrorDict]]]


def solve_tree(plan: Plan, ctx: SolveContext) -> Solver:
    """Values and errors for `plan`, calling its dependencies first (FastAPI's order)."""
    values: dict[str, Any] = {}
    errors: list[ErrorDict] = []
    for declared in plan.dependencies:
        use = declared if ctx.overrides is None else ctx.overrides(declared)
        sub_values, sub_errors = yield from solve_tree(use, ctx)
        if sub_errors:
            errors.extend(sub_errors)
            continue
        key = declared.cache_key
        if declared.use_cache and key in ctx.cache:
            value = ctx.cache[key]
        else:
            value = yield from call_dependency(use, declared.scope, sub_values, ctx)
        if declared.name is not None:
            values[declared.name] = value
        if key not in ctx.cache:
            ctx.cache[key] = value
    raw = ctx.raw
    if plan.path:
        params = raw.path_params
        for spec in plan.path:
            _convert(spec, params.get(spec.key, ABSENT), values, errors)
    if plan.query:
        if ctx.query is None:
            ctx.query = _group_query(raw.query_string)
        _solve_multi(plan.query, ctx.query, values, errors)
    if plan.header:
        if ctx.headers is None:
            ctx.headers = _group_headers(raw.headers)
        _solve_multi(plan.header, ctx.headers, values, errors)
    if plan.cookie:
        if ctx.cookies is None:
            ctx.cookies = _cookies(raw.headers)
        _solve_cookies(plan.cookie, ctx.cookies, values, errors)
    if plan.body:
        _solve_body(plan.body, ctx.body, ctx.embed_body, values, errors)
    if plan.request_names:
        request = ctx.get_request()
        for name in plan.request_names:
            values[name] = request
    if plan.response_names:
        sub_response = ctx.get_sub_response()
        for name in plan.response_names:
            values[name] = sub_response
    if plan.background_names:
        if ctx.background is None:
            from .background import BackgroundTasks

            ctx.background = BackgroundTasks()
        for name in plan.background_names:
            values[name] = ctx.background
    if plan.scopes_names:
        scopes = SecurityScopes(plan.security_scopes)
        for name in plan.scopes_names:
            values[name] = scopes
    return values, errors


def call_dependency(plan: Plan, scope: str | None, kwargs: dict[str, Any],
                    ctx: SolveContext) -> Generator[Any, Any, Any]:
    kind = plan.kind
    if kind == SYNC:
        return plan.call(**kwargs)
    if kind == COROUTINE:
        return (yield plan.call(**kwargs))
    if kind == GENERATOR:
        iterator = plan.call(**kwargs)
        value = next(iterator)
        ctx.stack.append((scope, kind, iterator))
        return value
    iterator = plan.call(**kwargs)
    value = yield iterator.__anext__()
    ctx.stack.append((scope, kind, iterator))
    return value


def run_sync(solver: Generator[Any, Any, Any]) -> Any:
    """Drive a solver outside an event loop; async dependencies run on a private loop."""
    sent: Any = None
    failure: BaseException | None = None
    while True:
        try:
            awaitable = solver.send(sent) if failure is None else solver.throw(failure)
        except StopIteration as stop:
            return stop.value
        failure = None
        try:
            sent = run_coroutine(_await(awaitable))
        except Exception as exc:
            failure = exc
            sent = None


async def _await(awaitable: Any) -> Any:
    return await awaitable


async def run_async(solver: Generator[Any, Any, Any]) -> Any:
    """Drive a solver inside a running event loop."""
    sent: Any = None
    failure: BaseException | None = None
    while True:
        try:
            awaitable = solver.send(sent) if failure is None else solver.throw(failure)
        except StopIteration as stop:
            return stop.value
        failure = None
        try:
            sent = await awaitable
        except Exception as exc:
            failure = exc
            sent = None


def solve_values(plan: Plan, ctx: SolveContext,
                 reads_body: bool) -> Generator[Any, Any, dict[str, Any]]:
    """The handler's keyword arguments, or RequestValidationError with every error."""
    if reads_body:
        ctx.body = read_request_body(ctx.raw, ctx.form_body)
    values, errors = yield from solve_tree(plan, ctx)
    if errors:
        raise RequestValidationError(errors, body=error_body(ctx.body))
    return values


def unwind(ctx: SolveContext, failure: BaseException | None,
           scope: str | None = None) -> Generator[Any, Any, BaseException | None]:
    """Close the open `yield` dependencies, newest first, as an exit stack would.

    `failure` is thrown into each; a dependency may swallow it (None is then
    returned) or replace it. With `scope` set, only dependencies of that
    scope are closed.
    """
    remaining: list[tuple[str | None, int, Any]] = []
    stack = ctx.stack
    while stack:
        entry = stack.pop()
        dep_scope, kind, iterator = entry
        if scope is not None and dep_scope != scope:
            remaining.append(entry)
            continue
        try:
            if kind == GENERATOR:
                if failure is None:
                    next(iterator)
                else:
                    iterator.throw(failure)
            elif failure is None:
                yield iterator.__anext__()
            else:
                yield iterator.athrow(failure)
        except (StopIteration, StopAsyncIteration):
            failure = None
        except BaseException as exc:
            if exc is not failure:
                failure = exc
        else:
            failure = RuntimeError(f"dependency {iterator!r} didn't stop after one yield")
    stack.extend(reversed(remaining))
    return failure
