"""Routes: what a path operation is, and how its result becomes a response.

Matching paths is the Go host's job; a route here only knows its template
(to tell path parameters apart), its compiled parameter plan and how to turn
the handler's return value into what the host sends.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine, Sequence
from types import CoroutineType
from typing import TYPE_CHECKING, Any, TypeVar

from ._concurrency import HOSTED, defer, run_coroutine
from ._signature import build_plan
from .encoders import jsonable_encoder
from .responses import JSONResponse, Response

if TYPE_CHECKING:
    from ._raw import RawRequest

DecoratedCallable = TypeVar("DecoratedCallable", bound=Callable[..., Any])

_PARAM = re.compile(r"{([^{}]*)}")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_CONVERTORS = frozenset({"str", "path", "int", "float", "uuid"})
# Accepted for source compatibility with FastAPI; they only describe the
# route (for a future OpenAPI document) and never change a response.
DOC_OPTIONS = frozenset({
    "tags", "summary", "description", "response_description", "responses",
    "deprecated", "operation_id", "include_in_schema", "openapi_extra",
})


def path_param_names(path: str) -> list[str]:
    """Parameter names of a template like "/files/{p:path}", in order.

    Checked the way Starlette checks them, so a typo fails at startup rather
    than as a route the host can never match.
    """
    if not path.startswith("/"):
        raise ValueError(f"Routed paths must start with '/': {path!r}")
    names: list[str] = []
    for match in _PARAM.finditer(path):
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
        **options: Any,
    ) -> None:
        self.path = path
        self.endpoint = endpoint
        self.param_names = path_param_names(path)
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
        self.plan = build_plan(endpoint, set(self.param_names))
        # The host JSON-encodes a returned value itself when that is exactly
        # what FastAPI would send: default JSON class, a status with a body.
        self.returns_plain = (response_class is JSONResponse
                              and is_body_allowed_for_status_code(status_code))

    def table_entry(self) -> tuple[str, tuple[str, ...], int, str]:
        """(template, methods, default status, name) as the host consumes it."""
        methods = list(self._method_list)
        if "GET" in methods and "HEAD" not in methods:
            methods.append("HEAD")
        return (self.path, tuple(methods), self.status_code or 200, self.name)

    def with_prefix(self, prefix: str) -> APIRoute:
        return APIRoute(prefix + self.path, self.endpoint, methods=self._method_list,
                        status_code=self.status_code, name=self.name,
                        response_class=self.response_class, **self.options)

    def handle(self, raw: RawRequest, app: Any) -> object:
        """Run the handler; raises what it raises, RequestValidationError included."""
        kwargs = self.plan.solve(raw, app)
        result = self.endpoint(**kwargs)
        if type(result) is CoroutineType:
            if HOSTED:
                # The answer comes later; this event-loop thread goes on serving others.
                defer(lambda: self._finish_async(result), self.status_code or 200,
                      lambda exc: app._handle_exception(exc, raw))
                return None
            result = run_coroutine(result)
        return self._finish(result)

    def _finish(self, result: Any) -> object:
        if self.returns_plain or isinstance(result, Response):
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

    def __repr__(self) -> str:
        return f"APIRoute(path={self.path!r}, name={self.name!r}, methods={sorted(self.methods)!r})"


class APIRouter:
    """A group of routes, optionally under a common prefix (FastAPI's APIRouter)."""

    def __init__(self, *, prefix: str = "",
                 default_response_class: type[Response] = JSONResponse) -> None:
        if prefix and (not prefix.startswith("/") or prefix.endswith("/")):
            raise ValueError("A path prefix must start with '/' and not end with '/'")
        self.prefix = prefix
        self.default_response_class = default_response_class
        self.routes: list[APIRoute] = []

    def add_api_route(
        self,
        path: str,
        endpoint: Callable[..., Any],
        *,
        methods: Sequence[str] | None = None,
        status_code: int | None = None,
        name: str | None = None,
        response_class: type[Response] | None = None,
        **options: Any,
    ) -> APIRoute:
        route = APIRoute(
            self.prefix + path, endpoint, methods=methods, status_code=status_code, name=name,
            response_class=response_class or self.default_response_class, **options,
        )
        self.routes.append(route)
        return route

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

    def include_router(self, router: APIRouter, *, prefix: str = "") -> None:
        if prefix and (not prefix.startswith("/") or prefix.endswith("/")):
            raise ValueError("A path prefix must start with '/' and not end with '/'")
        for route in router.routes:
            self.routes.append(route.with_prefix(self.prefix + prefix))
