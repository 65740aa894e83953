"""Routes: what a path operation is, and how its result becomes a response.

Matching paths is the Go host's job; a route here only knows its template
(to tell path parameters apart), its compiled parameter plan, its response
model and how to turn the handler's return value into what the host sends.

A route whose handler has no dependencies, no injected `Response` and no
response model takes the fast path: solve the plan, call, hand the value to
the host. Everything else goes through `handle_full`, which solves the
dependency tree, runs the handler, builds the response and then closes the
`yield` dependencies (after the response is built, as FastAPI closes them
after it is sent).
"""

from __future__ import annotations

import inspect
import re
import typing
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from types import CoroutineType
from typing import TYPE_CHECKING, Any, TypeVar

from ._concurrency import HOSTED, answer_async, run_coroutine
from ._plan import SolveContext, run_async, run_sync, solve_values, unwind
from ._response import ResponseField, response_field
from ._shape import accepts_anything
from ._signature import build_dependency, build_plan, call_kind, describe
from .encoders import jsonable_encoder
from .params import Depends, File, Form
from .responses import HTMLResponse, JSONResponse, PlainTextResponse, Response

if TYPE_CHECKING:
    from ._plan import ParamSpec, Plan
    from ._raw import RawRequest

DecoratedCallable = TypeVar("DecoratedCallable", bound=Callable[..., Any])

_PARAM = re.compile(r"{([^{}]*)}")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_CONVERTORS = frozenset({"str", "path", "int", "float", "uuid"})
# Options that only describe the route in the OpenAPI document
# (fasterapi.openapi) and never change a response.
DOC_OPTIONS = frozenset({
    "summary", "description", "response_description", "deprecated", "operation_id",
    "include_in_schema", "openapi_extra", "callbacks", "generate_unique_id_function",
})


_CONVERTOR = re.compile(r"{([^{}:]*):[^{}]*}")


def generate_unique_id(route: APIRoute) -> str:
    """FastAPI's default operationId: name, path and method, non-word characters as "_"."""
    operation_id = re.sub(r"\W", "_", f"{route.name}{route.path_format}")
    return f"{operation_id}_{route._method_list[0].lower()}"


class _Default:
    def __repr__(self) -> str:
        return "Default"

    def __bool__(self) -> bool:
        return False


DEFAULT: Any = _Default()


def path_param_names(path: str) -> list[str]:
    """Parameter names of a template like "/files/{p:path}", in order.

    Checked the way Starlette checks them, so a typo fails at startup rather
    than as a route the host can never match. OpenAPI runtime expressions such as
    "{$request.body.callback_url}" (OpenAPI 3.1 §4.8.18, in callback paths) are text,
    not parameters.
    """
    check_served_path(path)
    return _template_names(path)


def check_served_path(path: str) -> None:
    """Raise ValueError unless `path` can be routed (callbacks and webhooks need not be)."""
    if not path.startswith("/"):
        raise ValueError(f"Routed paths must start with '/': {path!r}")


def _template_names(path: str) -> list[str]:
    names: list[str] = []
    for match in _PARAM.finditer(path):
        if match.group(1).startswith("$"):
            continue
        name, _, convertor = match.group(1).partition(":")
        if not _NAME.match(name):
            raise ValueError(f"Invalid path parameter {match.group(0)!r} in {path!r}")
        if convertor and convertor not in _CONVERTORS:
            raise ValueError(f"Unknown path convertor {convertor!r} in {path!r}")
        if name in names:
            raise ValueError(f"Duplicated param name {name} at path {path}")
        names.append(name)
    return names


def is_body_allowed_for_status_code(status_code: int | None) -> bool:
    if status_code is None:
        return True
    return not (status_code < 200 or status_code in (204, 205, 304))


@dataclass(frozen=True)
class ParamInfo:
    """One request parameter of a route, as an OpenAPI generator needs it.

    `location` is "path", "query", "header", "cookie" or "body"; `alias` is the
    name on the wire (header names already hyphenated); `constraints` holds
    the validation constraints by pydantic's names (gt, max_length, ...).
    """

    location: str
    name: str
    alias: str
    annotation: Any
    required: bool
    default: Any
    constraints: dict[str, Any] = field(default_factory=dict)
    description: str | None = None
    title: str | None = None
    examples: list[Any] | None = None
    deprecated: bool | str | None = None
    include_in_schema: bool = True
    extra: dict[str, Any] = field(default_factory=dict)
    # True when `default` is a default_factory (the documents show no default then).
    has_factory: bool = False
    # Body parameters: the request's media type (Body(media_type=...)).
    media_type: str | None = None
    # Form fields: `form` for Form()/File(), `form_model` for a model made of the whole
    # form, `binary` for a File() that is an UploadFile or bytes (or a list of them).
    form: bool = False
    form_model: bool = False
    binary: bool = False

    @classmethod
    def from_spec(cls, spec: ParamSpec) -> ParamInfo:
        from ._signature import is_binary_file

        info = spec.info
        return cls(
            location=spec.source, name=spec.name, alias=spec.key, annotation=spec.annotation,
            required=spec.required,
            default=spec.default_factory if spec.default_factory is not None else spec.default,
            constraints=info.constraints() if info is not None else {},
            description=info.description if info is not None else None,
            title=info.title if info is not None else None,
            examples=info.examples if info is not None else None,
            deprecated=info.deprecated if info is not None else None,
            include_in_schema=info.include_in_schema if info is not None else True,
            extra=dict(info.extra) if info is not None else {},
            has_factory=spec.default_factory is not None,
            media_type=getattr(info, "media_type", None),
            form=isinstance(info, Form), form_model=spec.form_model,
            binary=isinstance(info, File) and is_binary_file(spec.annotation),
        )


def _return_annotation(endpoint: Callable[..., Any]) -> Any:
    try:
        hints = typing.get_type_hints(endpoint, include_extras=True)
    except Exception:
        return None
    return hints.get("return")


# How the host encodes a value a route's handler returned that is not a Response: as JSON, or
# (text routes under the host) a str as the body with the route's content type. _fasterapi
# gets one of these per route index (FasterAPI.host_kinds).
HOST_JSON, HOST_TEXT_PLAIN, HOST_TEXT_HTML = 0, 1, 2
_TEXT_KINDS: dict[Any, int] = {PlainTextResponse: HOST_TEXT_PLAIN, HTMLResponse: HOST_TEXT_HTML}


def _is_str(value: Any) -> bool:
    return type(value) is str


def _plain_check(route: APIRoute) -> Callable[[Any], bool] | None:
    """A test that the handler's value goes to the host as it is, skipping _finish:
    accepts_anything when every value but a coroutine does, None when none does. Sets
    route.host_kind for text routes."""
    if route.is_async:
        return None
    field = route.response_field
    if route.returns_plain:
        if field is None:
            return accepts_anything  # _finish hands every value on, Response objects included
        return field.passthrough
    kind = _TEXT_KINDS.get(route.response_class)
    # With a response model, it must let a str through as it is (`-> str`).
    str_passes = field is None or (field.passthrough is not None and field.passthrough(""))
    if (kind is None or not HOSTED or not is_body_allowed_for_status_code(route.status_code)
            or not str_passes):
        return None
    route.host_kind = kind
    return _is_str


class APIRoute:
    def __init__(
        self,
        path: str,
        endpoint: Callable[..., Any],
        *,
        methods: Sequence[str] | None = None,
        status_code: int | None = None,
        name: str | None = None,
        response_class: type[Response] = JSONResponse,
        response_model: Any = DEFAULT,
        response_model_include: Any = None,
        response_model_exclude: Any = None,
        response_model_by_alias: bool = True,
        response_model_exclude_unset: bool = False,
        response_model_exclude_defaults: bool = False,
        response_model_exclude_none: bool = False,
        dependencies: Sequence[Depends] | None = None,
        tags: list[Any] | None = None,
        responses: dict[Any, Any] | None = None,
        **options: Any,
    ) -> None:
        self.path = path
        self.endpoint = endpoint
        # A webhook ("new-subscription") or a callback ("{$callback_url}/events") only
        # documents a request the app sends; served routes are checked by table_entry().
        self.param_names = _template_names(path)
        ordered: list[str] = []
        for method in methods or ("GET",):
            upper = method.upper()
            if upper not in ordered:
                ordered.append(upper)
        self._method_list = ordered
        self.methods = set(ordered)
        self.status_code = status_code
        self.name = name if name is not None else getattr(endpoint, "__name__", "endpoint")
        self.response_class = response_class
        unknown = sorted(set(options) - DOC_OPTIONS)
        if unknown:
            raise TypeError(f"route {path!r}: option(s) {', '.join(unknown)} not supported yet")
        self.options = options
        # What the OpenAPI document says about the operation (FastAPI's attributes).
        self.summary: str | None = options.get("summary")
        description = options.get("description") or inspect.cleandoc(endpoint.__doc__ or "")
        # FastAPI cuts a docstring at a form feed: what follows is not for the docs.
        self.description: str = description.split("\f")[0].strip()
        self.response_description: str = options.get("response_description",
                                                     "Successful Response")
        self.deprecated: bool | None = options.get("deprecated")
        self.operation_id: str | None = options.get("operation_id")
        self.include_in_schema: bool = options.get("include_in_schema", True)
        self.openapi_extra: dict[str, Any] | None = options.get("openapi_extra")
        self.callbacks: list[Any] = list(options.get("callbacks") or [])
        self.path_format = _CONVERTOR.sub(r"{\1}", path)
        self.tags = list(tags or [])
        self.responses = dict(responses or {})
        self.dependencies = list(dependencies or [])
        generate = options.get("generate_unique_id_function")
        self.unique_id: str = self.operation_id or (
            generate(self) if callable(generate) else generate_unique_id(self))
        self.response_model_options: dict[str, Any] = {
            "include": response_model_include, "exclude": response_model_exclude,
            "by_alias": response_model_by_alias,
            "exclude_unset": response_model_exclude_unset,
            "exclude_defaults": response_model_exclude_defaults,
            "exclude_none": response_model_exclude_none,
        }
        self.plan = build_plan(endpoint, set(self.param_names), self.dependencies)
        explicit = response_model is not DEFAULT
        if not explicit:
            response_model = _return_annotation(endpoint)
            if isinstance(response_model, type) and issubclass(response_model, Response):
                response_model = None
        self.response_model = response_model
        self.response_field: ResponseField | None = None
        if response_model is not None:
            try:
                self.response_field = response_field(response_model, explicit=explicit,
                                                     **self.response_model_options)
            except TypeError as exc:
                raise TypeError(f"{describe(endpoint)}: invalid response_model: {exc}") from None
        self.is_async = call_kind(endpoint) != 0 or self.plan.is_async
        self.reads_body = bool(self.plan.all_body())
        # The host JSON-encodes a returned value itself when that is exactly
        # what FastAPI would send: default JSON class, a status with a body.
        self.returns_plain = (response_class is JSONResponse
                              and is_body_allowed_for_status_code(status_code))
        # What the host encodes itself, with no Response object: a JSON route's plain value,
        # or under the host a text route's str (the host knows the route's host_kind).
        self.host_kind = HOST_JSON
        self._plain_check = _plain_check(self)
        # No dependencies or injected Response: `handle` needs no solve context.
        self.simple = self.plan.simple
        self._overridden: dict[tuple[Any, int], Plan] = {}

    # ---- introspection (for the OpenAPI document) ----------------------------------

    @property
    def parameters(self) -> list[ParamInfo]:
        """Path, query, header and cookie parameters (in that order, the handler's
        before its dependencies'), deduplicated as FastAPI's OpenAPI lists them."""
        found: list[ParamInfo] = []
        seen: set[tuple[str, str]] = set()
        plans = self.plan.walk()
        for location in ("path", "query", "header", "cookie"):
            for plan in plans:
                for spec in getattr(plan, location):
                    if (location, spec.key) not in seen:
                        seen.add((location, spec.key))
                        found.append(ParamInfo.from_spec(spec))
        return found

    @property
    def body_fields(self) -> list[ParamInfo]:
        """The body parameters; with `embed_body` they are keys of one JSON object."""
        return [ParamInfo.from_spec(spec) for spec in self.plan.all_body()]

    @property
    def embed_body(self) -> bool:
        return self.plan.embed_body

    @property
    def security(self) -> list[tuple[Any, list[str]]]:
        """(security scheme object, scopes) for each security dependency in the tree."""
        from .security import SecurityBase

        return [(plan.call, plan.security_scopes) for plan in self.plan.walk()[1:]
                if isinstance(plan.call, SecurityBase)]

    def table_entry(self) -> tuple[Any, ...]:
        """(template, methods, default status, name[, options]) as the host consumes it.

        The options tell the host to parse form bodies for routes with form parameters.
        """
        check_served_path(self.path)
        methods = list(self._method_list)
        if "GET" in methods and "HEAD" not in methods:
            methods.append("HEAD")
        entry = (self.path, tuple(methods), self.status_code or 200, self.name)
        if self.plan.form_body:
            return (*entry, {"form": True})
        return entry

    def copy_options(self) -> dict[str, Any]:
        """Keyword arguments that recreate this route (for include_router)."""
        return {
            "methods": self._method_list, "status_code": self.status_code, "name": self.name,
            "response_class": self.response_class, "response_model": self.response_model,
            "response_model_include": self.response_model_options["include"],
            "response_model_exclude": self.response_model_options["exclude"],
            "response_model_by_alias": self.response_model_options["by_alias"],
            "response_model_exclude_unset": self.response_model_options["exclude_unset"],
            "response_model_exclude_defaults":
                self.response_model_options["exclude_defaults"],
            "response_model_exclude_none": self.response_model_options["exclude_none"],
            **self.options,
        }

    def with_prefix(self, prefix: str) -> APIRoute:
        return APIRoute(prefix + self.path, self.endpoint, dependencies=self.dependencies,
                        tags=self.tags, responses=self.responses, **self.copy_options())

    # ---- serving -------------------------------------------------------------------

    def handle(self, raw: RawRequest, app: Any) -> object:
        """Run the handler; raises what it raises, RequestValidationError included."""
        if not self.simple:
            return self.handle_full(raw, app)
        plan = self.plan
        result = self.endpoint(**plan.solve(raw, app)) if plan.has_params else self.endpoint()
        check = self._plain_check
        if (check is not None and type(result) is not CoroutineType
                and (check is accepts_anything or check(result))):
            return result
        if type(result) is CoroutineType:
            if HOSTED:
                return self._answer_async(result, raw, app)
            result = run_coroutine(result)
        return self._finish(result)

    def _answer_async(self, coroutine: Coroutine[Any, Any, Any], raw: RawRequest,
                      app: Any) -> object:
        # Answered now if it finishes without waiting; else later, while this event-loop thread
        # goes on serving others. Apart from handle: its closures would make every call of
        # handle allocate cells.
        return answer_async(lambda: self._finish_async(coroutine), self.status_code or 200,
                            lambda exc: app._handle_exception(exc, raw))

    def _finish(self, result: Any) -> object:
        if isinstance(result, Response):
            return result
        if self.response_field is not None:
            result = self.response_field.serialize(result)
        if self.returns_plain:
            return result
        return self.make_response(result)

    async def _finish_async(self, coroutine: Coroutine[Any, Any, Any]) -> object:
        return self._finish(await coroutine)

    def make_response(self, result: Any) -> Response:
        # FastAPI's order: encode, wrap in the route's class, then drop the
        # body for statuses that cannot have one (keeping the headers).
        content = jsonable_encoder(result)
        if self.status_code is None:
            response = self.response_class(content)
        else:
            response = self.response_class(content, status_code=self.status_code)
        if not is_body_allowed_for_status_code(response.status_code):
            response.body = b""
        return response

    # ---- the full path: dependencies, injected Response, response model ------------

    def _context(self, raw: RawRequest, app: Any) -> SolveContext:
        overrides = getattr(app, "dependency_overrides", None) if app is not None else None
        resolve = None
        if overrides:
            def resolve(declared: Plan) -> Plan:
                return self._override(declared, overrides)
        return SolveContext(raw, app, self.plan.embed_body, resolve, self.plan.form_body)

    def _override(self, declared: Plan, overrides: dict[Any, Any]) -> Plan:
        """The plan of the callable that `app.dependency_overrides` puts in place of one."""
        call = overrides.get(declared.call)
        if call is None:
            return declared
        key = (call, id(declared))
        plan = self._overridden.get(key)
        if plan is None:
            marker = Depends(call, use_cache=declared.use_cache, scope=declared.scope)
            parent = declared.security_scopes[:len(declared.security_scopes)
                                              - len(declared.own_scopes)]
            plan = build_dependency(marker, None, declared.name, set(self.param_names),
                                    parent + declared.own_scopes, describe(call))
            self._overridden[key] = plan
        return plan

    def handle_full(self, raw: RawRequest, app: Any) -> object:
        """The general path; also taken by every route while dependency overrides are set."""
        ctx = self._context(raw, app)
        if self.is_async:
            if HOSTED:
                return answer_async(lambda: self._run_async(ctx), self.status_code or 200,
                                 lambda exc: app._handle_exception(exc, raw))
            return run_coroutine(self._run_async(ctx))
        try:
            values = run_sync(solve_values(self.plan, ctx, self.reads_body))
            result = self.endpoint(**values)
            if type(result) is CoroutineType:
                result = run_coroutine(result)
            if ctx.stack:
                _raise_if(run_sync(unwind(ctx, None, "function")))
            response = self._respond(result, ctx)
        except Exception as exc:
            if not ctx.stack:
                raise
            _raise_after_unwind(exc, run_sync(unwind(ctx, exc)))
        if ctx.stack:
            _log_cleanup_failure(run_sync(unwind(ctx, None)), raw)
        return response

    async def _run_async(self, ctx: SolveContext) -> object:
        try:
            values = await run_async(solve_values(self.plan, ctx, self.reads_body))
            result = self.endpoint(**values)
            if type(result) is CoroutineType:
                result = await result
            if ctx.stack:
                _raise_if(await run_async(unwind(ctx, None, "function")))
            response = self._respond(result, ctx)
        except Exception as exc:
            if not ctx.stack:
                raise
            _raise_after_unwind(exc, await run_async(unwind(ctx, exc)))
        if ctx.stack:
            _log_cleanup_failure(await run_async(unwind(ctx, None)), ctx.raw)
        return response

    def _respond(self, result: Any, ctx: SolveContext) -> object:
        response = self._build_response(result, ctx)
        tasks = ctx.background
        if tasks is not None and tasks.tasks:
            # FastAPI's rule: the injected tasks become the response's background unless the
            # handler returned a Response with its own.
            if isinstance(response, Response):
                if response.background is None:
                    response.background = tasks
            else:
                from .background import run_after_response

                run_after_response(tasks)
        return response

    def _build_response(self, result: Any, ctx: SolveContext) -> object:
        if isinstance(result, Response):
            return result
        field = self.response_field
        content = field.serialize(result) if field is not None else result
        sub = ctx.sub_response
        if sub is None and self.returns_plain:
            return content
        if field is None:
            content = jsonable_encoder(content)
        status = self.status_code
        if sub is not None and sub.status_code:
            status = sub.status_code
        if status is None:
            response = self.response_class(content)
        else:
            response = self.response_class(content, status_code=status)
        if not is_body_allowed_for_status_code(response.status_code):
            response.body = b""
        if sub is not None:
            response.raw_headers.extend(sub.raw_headers)
        return response

    def __repr__(self) -> str:
        return f"APIRoute(path={self.path!r}, name={self.name!r}, methods={sorted(self.methods)!r})"


def _raise_if(failure: BaseException | None) -> None:
    if failure is not None:
        raise failure


def _raise_after_unwind(original: Exception, failure: BaseException | None) -> typing.NoReturn:
    if failure is None:
        from .exceptions import FastAPIError

        raise FastAPIError(
            "Response not returned: a dependency with yield caught the exception "
            f"{original!r} and did not raise it again") from original
    raise failure


def _log_cleanup_failure(failure: BaseException | None, raw: RawRequest) -> None:
    """A `yield` dependency failed while closing: FastAPI had already sent the response."""
    if failure is None:
        return
    from ._errorlog import log_exception

    try:
        raise failure
    except BaseException:
        log_exception(f"Exception closing a dependency for {raw.method} {raw.path}")


class APIWebSocketRoute:
    """A WebSocket endpoint: `async def handler(websocket: WebSocket, ...)` with path, query,
    header and cookie parameters and dependencies like an HTTP route."""

    include_in_schema = False

    def __init__(self, path: str, endpoint: Callable[..., Any], *, name: str | None = None,
                 dependencies: Sequence[Depends] | None = None) -> None:
        self.path = path
        self.endpoint = endpoint
        self.name = name if name is not None else getattr(endpoint, "__name__", "endpoint")
        self.param_names = path_param_names(path)
        self.dependencies = list(dependencies or [])
        self.plan = build_plan(endpoint, set(self.param_names), self.dependencies)
        if call_kind(endpoint) == 0:
            raise TypeError(f"{describe(endpoint)}: a WebSocket endpoint must be `async def`")

    def table_entry(self) -> tuple[str, tuple[str, ...], int, str]:
        return (self.path, ("WEBSOCKET",), 200, self.name)

    def with_prefix(self, prefix: str, dependencies: Sequence[Depends] = ()) -> APIWebSocketRoute:
        return APIWebSocketRoute(prefix + self.path, self.endpoint, name=self.name,
                                 dependencies=[*dependencies, *self.dependencies])

    def handle(self, raw: RawRequest, app: Any) -> object:
        if not HOSTED:
            raise RuntimeError("WebSocket routes are served by the FasterAPI host "
                               "(`fasterapi serve`), not called directly")
        import _fasterapi

        from ._stream import attach
        from .websockets import WebSocket

        token = _fasterapi.defer()
        channel = attach(token)
        websocket = WebSocket(raw, app, channel)
        loop = channel.loop

        def start() -> None:
            channel.task = loop.create_task(self._run(token, websocket, app))

        loop.call_soon_threadsafe(start)
        return None

    handle_full = handle

    async def _run(self, token: int, websocket: Any, app: Any) -> None:
        import _fasterapi

        from ._errorlog import log_exception
        from ._stream import detach
        from .exceptions import HTTPException, RequestValidationError, WebSocketException
        from .responses import PlainTextResponse
        from .websockets import WebSocketDisconnect, WebSocketState

        result: Response | None = None
        ctx = SolveContext(websocket._raw, app, False, None)
        ctx.request = websocket
        try:
            values = await run_async(solve_values(self.plan, ctx, False))
            outcome = self.endpoint(**values)
            if type(outcome) is CoroutineType:
                await outcome
            if ctx.stack:
                _raise_if(await run_async(unwind(ctx, None)))
        except WebSocketDisconnect:
            pass
        except WebSocketException as exc:
            if websocket.application_state is not WebSocketState.DISCONNECTED:
                await websocket.close(exc.code, exc.reason)
        except (RequestValidationError, HTTPException) as exc:
            # FastAPI closes with 1008 (policy violation); before the accept that is a 403.
            reason = (str(exc.detail) if isinstance(exc, HTTPException)
                      else "request validation failed")
            if websocket.application_state is not WebSocketState.DISCONNECTED:
                await websocket.close(1008, reason[:120])
        except Exception:
            log_exception(f"Exception in WebSocket endpoint {self.path}")
            if websocket.application_state is WebSocketState.CONNECTING:
                result = PlainTextResponse("Internal Server Error", status_code=500)
            elif websocket.application_state is WebSocketState.CONNECTED:
                await websocket.close(1011)
        finally:
            detach(websocket._channel)
            _fasterapi.complete(token, 200, result)

    def __repr__(self) -> str:
        return f"<APIWebSocketRoute {self.path}>"


class APIRouter:
    """A group of routes with a common prefix, tags, dependencies and responses."""

    def __init__(self, *, prefix: str = "", tags: list[Any] | None = None,
                 dependencies: Sequence[Depends] | None = None,
                 default_response_class: type[Response] = JSONResponse,
                 responses: dict[Any, Any] | None = None,
                 deprecated: bool | None = None, include_in_schema: bool = True,
                 **options: Any) -> None:
        if prefix and (not prefix.startswith("/") or prefix.endswith("/")):
            raise ValueError("A path prefix must start with '/' and not end with '/'")
        unknown = sorted(set(options) - {"redirect_slashes", "generate_unique_id_function",
                                         "callbacks", "route_class", "routes",
                                         "on_startup", "on_shutdown", "lifespan"})
        if unknown:
            raise TypeError(f"APIRouter option(s) {', '.join(unknown)} not supported yet")
        self.prefix = prefix
        self.tags = list(tags or [])
        self.dependencies = list(dependencies or [])
        self.default_response_class = default_response_class
        self.responses = dict(responses or {})
        self.deprecated = deprecated
        self.include_in_schema = include_in_schema
        self.generate_unique_id_function = options.get("generate_unique_id_function")
        # Routes that document requests the app sends back (OpenAPI callbacks), added to
        # every route of this router.
        self.callbacks: list[Any] = list(options.get("callbacks") or [])
        self.routes: list[APIRoute | APIWebSocketRoute] = []

    def add_api_route(
        self,
        path: str,
        endpoint: Callable[..., Any],
        *,
        methods: Sequence[str] | None = None,
        status_code: int | None = None,
        name: str | None = None,
        response_class: type[Response] | None = None,
        dependencies: Sequence[Depends] | None = None,
        tags: list[Any] | None = None,
        responses: dict[Any, Any] | None = None,
        **options: Any,
    ) -> APIRoute:
        if self.deprecated is not None:
            options.setdefault("deprecated", self.deprecated)
        if not self.include_in_schema:
            options["include_in_schema"] = False
        if self.generate_unique_id_function is not None:
            options.setdefault("generate_unique_id_function", self.generate_unique_id_function)
        if self.callbacks:
            options["callbacks"] = [*self.callbacks, *(options.get("callbacks") or [])]
        route = APIRoute(
            self.prefix + path, endpoint, methods=methods, status_code=status_code, name=name,
            response_class=response_class or self.default_response_class,
            dependencies=[*self.dependencies, *(dependencies or [])],
            tags=[*self.tags, *(tags or [])],
            responses={**self.responses, **(responses or {})}, **options,
        )
        self.routes.append(route)
        return route

    def add_api_websocket_route(self, path: str, endpoint: Callable[..., Any], *,
                                name: str | None = None,
                                dependencies: Sequence[Depends] | None = None) -> APIWebSocketRoute:
        route = APIWebSocketRoute(self.prefix + path, endpoint, name=name,
                                  dependencies=[*self.dependencies, *(dependencies or [])])
        self.routes.append(route)
        return route

    add_websocket_route = add_api_websocket_route

    def websocket(self, path: str, name: str | None = None, *,
                  dependencies: Sequence[Depends] | None = None
                  ) -> Callable[[DecoratedCallable], DecoratedCallable]:
        """Register an `async def` WebSocket endpoint, as FastAPI's `@app.websocket`."""
        def decorator(func: DecoratedCallable) -> DecoratedCallable:
            self.add_api_websocket_route(path, func, name=name, dependencies=dependencies)
            return func

        return decorator

    def sse(self, path: str, **kwargs: Any) -> Callable[[DecoratedCallable], DecoratedCallable]:
        """Register an `async def handler(sse: SSEConnection, ...)` that streams Server-Sent
        Events on GET `path` (see fasterapi.sse)."""
        from .sse import EventSourceResponse, sse_endpoint

        def decorator(func: DecoratedCallable) -> DecoratedCallable:
            kwargs.setdefault("response_class", EventSourceResponse)
            self.add_api_route(path, sse_endpoint(func), methods=["GET"], **kwargs)
            return func

        return decorator

    def api_route(
        self,
        path: str,
        *,
        methods: Sequence[str] | None = None,
        status_code: int | None = None,
        name: str | None = None,
        response_class: type[Response] | None = None,
        **options: Any,
    ) -> Callable[[DecoratedCallable], DecoratedCallable]:
        def decorator(func: DecoratedCallable) -> DecoratedCallable:
            self.add_api_route(path, func, methods=methods, status_code=status_code,
                               name=name, response_class=response_class, **options)
            return func

        return decorator

    def get(self, path: str, **kwargs: Any) -> Callable[[DecoratedCallable], DecoratedCallable]:
        return self.api_route(path, methods=["GET"], **kwargs)

    def post(self, path: str, **kwargs: Any) -> Callable[[DecoratedCallable], DecoratedCallable]:
        return self.api_route(path, methods=["POST"], **kwargs)

    def put(self, path: str, **kwargs: Any) -> Callable[[DecoratedCallable], DecoratedCallable]:
        return self.api_route(path, methods=["PUT"], **kwargs)

    def patch(self, path: str, **kwargs: Any) -> Callable[[DecoratedCallable], DecoratedCallable]:
        return self.api_route(path, methods=["PATCH"], **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Callable[[DecoratedCallable], DecoratedCallable]:
        return self.api_route(path, methods=["DELETE"], **kwargs)

    def options(self, path: str, **kwargs: Any) -> Callable[[DecoratedCallable], DecoratedCallable]:
        return self.api_route(path, methods=["OPTIONS"], **kwargs)

    def head(self, path: str, **kwargs: Any) -> Callable[[DecoratedCallable], DecoratedCallable]:
        return self.api_route(path, methods=["HEAD"], **kwargs)

    def trace(self, path: str, **kwargs: Any) -> Callable[[DecoratedCallable], DecoratedCallable]:
        return self.api_route(path, methods=["TRACE"], **kwargs)

    def include_router(self, router: APIRouter, *, prefix: str = "",
                       tags: list[Any] | None = None,
                       dependencies: Sequence[Depends] | None = None,
                       responses: dict[Any, Any] | None = None,
                       default_response_class: type[Response] | None = None,
                       deprecated: bool | None = None, include_in_schema: bool = True,
                       **options: Any) -> None:
        if prefix and (not prefix.startswith("/") or prefix.endswith("/")):
            raise ValueError("A path prefix must start with '/' and not end with '/'")
        unknown = sorted(set(options) - {"callbacks", "generate_unique_id_function"})
        if unknown:
            raise TypeError(f"include_router option(s) {', '.join(unknown)} not supported yet")
        for route in router.routes:
            if isinstance(route, APIWebSocketRoute):
                self.routes.append(route.with_prefix(
                    self.prefix + prefix, [*self.dependencies, *(dependencies or [])]))
                continue
            extra = route.copy_options()
            if default_response_class is not None and (
                    route.response_class is router.default_response_class):
                extra["response_class"] = default_response_class
            if deprecated is not None:
                extra["deprecated"] = deprecated
            if not include_in_schema:
                extra["include_in_schema"] = False
            if options.get("callbacks"):
                extra["callbacks"] = [*options["callbacks"], *(extra.get("callbacks") or [])]
            self.add_api_route(
                prefix + route.path, route.endpoint,
                dependencies=[*(dependencies or []), *route.dependencies],
                tags=[*(tags or []), *route.tags],
                responses={**(responses or {}), **route.responses},
                **extra,
            )
