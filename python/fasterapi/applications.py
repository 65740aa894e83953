"""The application object and the host's per-request entry point, `_dispatch`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from types import CoroutineType
from typing import TYPE_CHECKING, Any, TypeVar

from ._concurrency import HOSTED, run_coroutine
from ._errorlog import log_exception
from .datastructures import State
from .exception_handlers import http_exception_response, validation_error_response
from .exceptions import HTTPException, RequestValidationError
from .params import Depends
from .requests import Request
from .responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from .routing import APIRouter

if TYPE_CHECKING:
    from ._raw import RawRequest
    from .channels import Channel
    from .staticfiles import Mount, StaticFiles

ExceptionHandler = Callable[[Request, Any], Any]
HandlerT = TypeVar("HandlerT", bound=Callable[..., Any])


class FasterAPI(APIRouter):
    """FastAPI's application API, served by the FasterAPI Go host.

    Routes are registered exactly as with FastAPI; the host asks `_runtime.boot`
    for the route table and then calls `_dispatch(route_index, raw_request)`.
    """

    def __init__(
        self,
        *,
        title: str = "FastAPI",
        version: str = "0.1.0",
        description: str = "",
        debug: bool = False,
        default_response_class: type[Response] = JSONResponse,
        exception_handlers: dict[Any, ExceptionHandler] | None = None,
        dependencies: Sequence[Depends] | None = None,
        responses: dict[Any, Any] | None = None,
        lifespan: Callable[[Any], AbstractAsyncContextManager[Any]] | None = None,
        on_startup: Sequence[Callable[[], Any]] | None = None,
        on_shutdown: Sequence[Callable[[], Any]] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(default_response_class=default_response_class,
                         dependencies=dependencies, responses=responses)
        # Replacements for dependencies, {original: replacement}, read per request.
        self.dependency_overrides: dict[Callable[..., Any], Callable[..., Any]] = {}
        # Run by the host in every interpreter that serves (fasterapi._lifespan).
        self.lifespan = lifespan
        self.on_startup: list[Callable[[], Any]] = list(on_startup or ())
        self.on_shutdown: list[Callable[[], Any]] = list(on_shutdown or ())
        self.title = title
        self.version = version
        self.description = description
        self.debug = debug
        self.extra = extra
        self.state = State()
        self._channels: dict[str, Channel] = {}
        self.mounts: list[Mount] = []
        self.exception_handlers: dict[Any, ExceptionHandler] = {}
        for key, handler in (exception_handlers or {}).items():
            self.add_exception_handler(key, handler)

    @property
    def router(self) -> APIRouter:
        return self

    def add_exception_handler(self, exc_class_or_status_code: type[BaseException] | int,
                              handler: ExceptionHandler) -> None:
        self.exception_handlers[exc_class_or_status_code] = handler

    def channel(self, name: str) -> Channel:
        """The broadcast channel `name` (see fasterapi.channels); the same object every time."""
        found = self._channels.get(name)
        if found is None:
            from .channels import Channel

            found = self._channels[name] = Channel(name)
        return found

    def add_event_handler(self, event_type: str, func: Callable[[], Any]) -> None:
        if event_type == "startup":
            self.on_startup.append(func)
        elif event_type == "shutdown":
            self.on_shutdown.append(func)
        else:
            raise ValueError(f"unknown event {event_type!r}: use 'startup' or 'shutdown'")

    def on_event(self, event_type: str) -> Callable[[HandlerT], HandlerT]:
        """Register a start-up or shutdown handler (FastAPI's deprecated but common API)."""
        def decorator(func: HandlerT) -> HandlerT:
            self.add_event_handler(event_type, func)
            return func

        return decorator

    def exception_handler(self, exc_class_or_status_code: type[BaseException] | int
                          ) -> Callable[[HandlerT], HandlerT]:
        def decorator(func: HandlerT) -> HandlerT:
            self.add_exception_handler(exc_class_or_status_code, func)
            return func

        return decorator

    def mount(self, path: str, app: StaticFiles, name: str | None = None) -> None:
        """Serve a StaticFiles directory under `path` (answered by the host, in Go)."""
        from .staticfiles import Mount

        self.mounts.append(Mount(path, app, name))

    def route_table(self) -> list[tuple[Any, ...]]:
        # Mounts come after the routes: route indexes stay those of `self.routes`, and a
        # route under a mount's path wins over the mount.
        return ([route.table_entry() for route in self.routes]
                + [mount.table_entry() for mount in self.mounts])

    def _dispatch(self, route_index: int, raw: RawRequest) -> object:
        """Answer one request; returns a Response or a value to JSON-encode.

        Never raises: every failure becomes the response FastAPI would send.
        """
        try:
            if self.dependency_overrides:
                result = self.routes[route_index].handle_full(raw, self)
            else:
                result = self.routes[route_index].handle(raw, self)
        except Exception as exc:
            return self._handle_exception(exc, raw)
        if isinstance(result, StreamingResponse) and HOSTED:
            from ._streamed import start_streamed

            start_streamed(result)
            return None
        return result

    def _handle_exception(self, exc: Exception, raw: RawRequest) -> Response:
        try:
            handler = self._lookup_handler(exc)
            if handler is not None:
                return self._call_handler(handler, exc, raw)
            if isinstance(exc, HTTPException):
                return http_exception_response(exc)
            if isinstance(exc, RequestValidationError):
                return validation_error_response(exc)
            self._log(exc, raw)
            handlers = self.exception_handlers
            server_error = handlers.get(Exception) or handlers.get(500)
            if server_error is not None:
                return self._call_handler(server_error, exc, raw)
        except Exception as failure:
            self._log(failure, raw)
        return PlainTextResponse("Internal Server Error", status_code=500)

    def _lookup_handler(self, exc: Exception) -> ExceptionHandler | None:
        handlers = self.exception_handlers
        if not handlers:
            return None
        if isinstance(exc, HTTPException) and exc.status_code in handlers:
            return handlers[exc.status_code]
        # Exception/500 handlers are the last resort for crashes (and log),
        # as with Starlette's server-error middleware, so they are skipped here.
        for cls in type(exc).__mro__:
            if cls is Exception:
                break
            handler = handlers.get(cls)
            if handler is not None:
                return handler
        return None

    def _call_handler(self, handler: ExceptionHandler, exc: Exception, raw: RawRequest) -> Response:
        result = handler(Request(raw, self), exc)
        if type(result) is CoroutineType:
            result = run_coroutine(result)
        if not isinstance(result, Response):
            raise TypeError(f"exception handler {handler!r} returned {type(result).__name__}, "
                            "not a Response")
        return result

    @staticmethod
    def _log(exc: BaseException, raw: RawRequest) -> None:
        try:
            where = f"{raw.method} {raw.path}"
        except Exception:
            where = "request"
        log_exception(f"Exception in endpoint for {where}")

    def __repr__(self) -> str:
        return f"<FasterAPI title={self.title!r} routes={len(self.routes)}>"


FastAPI = FasterAPI
