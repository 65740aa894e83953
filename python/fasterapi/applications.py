"""The application object and the host's per-request entry point, `_dispatch`."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from functools import partial
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
from .routing import HOST_JSON, APIRoute, APIRouter

if TYPE_CHECKING:
    from ._middleware import HTTPMiddleware
    from ._raw import RawRequest
    from .channels import Channel
    from .middleware import Middleware
    from .middleware._base import GoMiddleware
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
        summary: str | None = None,
        openapi_url: str | None = "/openapi.json",
        openapi_tags: list[dict[str, Any]] | None = None,
        servers: list[dict[str, Any]] | None = None,
        docs_url: str | None = "/docs",
        redoc_url: str | None = "/redoc",
        swagger_ui_oauth2_redirect_url: str | None = "/docs/oauth2-redirect",
        swagger_ui_init_oauth: dict[str, Any] | None = None,
        swagger_ui_parameters: dict[str, Any] | None = None,
        terms_of_service: str | None = None,
        contact: dict[str, Any] | None = None,
        license_info: dict[str, Any] | None = None,
        openapi_version: str = "3.1.0",
        separate_input_output_schemas: bool = True,
        root_path: str = "",
        root_path_in_servers: bool = True,
        generate_unique_id_function: Callable[[Any], str] | None = None,
        callbacks: list[Any] | None = None,
        webhooks: APIRouter | None = None,
        middleware: Sequence[Middleware] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(default_response_class=default_response_class,
                         dependencies=dependencies, responses=responses,
                         generate_unique_id_function=generate_unique_id_function,
                         callbacks=callbacks)
        # Operations documented under the document's "webhooks", never served.
        self.webhooks = webhooks or APIRouter()
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
        self._http_middleware: list[HTTPMiddleware] = []
        # The built-in middleware (run by the server), outermost first, as Starlette's
        # user_middleware; user_middleware holds what was passed, _go_middleware the checked
        # instances.
        self.user_middleware: list[Middleware] = []
        self._go_middleware: list[GoMiddleware] = []
        for item in middleware or ():
            cls, args, kwargs = item
            self._add_go_middleware(len(self.user_middleware), item, cls, args, kwargs)
        self.mounts: list[Mount] = []
        self.exception_handlers: dict[Any, ExceptionHandler] = {}
        for key, handler in (exception_handlers or {}).items():
            self.add_exception_handler(key, handler)
        self.summary = summary
        self.openapi_url = openapi_url
        self.openapi_tags = openapi_tags
        self.servers = list(servers or [])
        self.docs_url = docs_url
        self.redoc_url = redoc_url
        self.swagger_ui_oauth2_redirect_url = swagger_ui_oauth2_redirect_url
        self.swagger_ui_init_oauth = swagger_ui_init_oauth
        self.swagger_ui_parameters = swagger_ui_parameters
        self.terms_of_service = terms_of_service
        self.contact = contact
        self.license_info = license_info
        self.openapi_version = openapi_version
        self.separate_input_output_schemas = separate_input_output_schemas
        self.root_path = root_path
        self.root_path_in_servers = root_path_in_servers
        # The document, made on first use by openapi(); set it to None to have it made again.
        self.openapi_schema: dict[str, Any] | None = None
        if self.openapi_url:
            assert self.title, "A title must be provided for OpenAPI, e.g.: 'My API'"
            assert self.version, "A version must be provided for OpenAPI, e.g.: '2.1.0'"
        self._setup_done = False
        # The route index of the server's own answers (host_table); -1: none.
        self._answer_route = -1

    def openapi(self) -> dict[str, Any]:
        """The app's OpenAPI document, made once (replace this method to customise it)."""
        if not self.openapi_schema:
            from .openapi.utils import get_openapi

            root = self.root_path.rstrip("/")
            if root and self.root_path_in_servers and root not in {
                    server.get("url") for server in self.servers}:
                self.servers.insert(0, {"url": root})

            self.openapi_schema = get_openapi(
                title=self.title, version=self.version, openapi_version=self.openapi_version,
                summary=self.summary, description=self.description,
                terms_of_service=self.terms_of_service, contact=self.contact,
                license_info=self.license_info, routes=self.routes,
                webhooks=self.webhooks.routes, tags=self.openapi_tags,
                servers=self.servers or None,
                separate_input_output_schemas=self.separate_input_output_schemas)
        return self.openapi_schema

    def setup(self) -> None:
        """Add the routes of the document and the docs pages (outside the document).

        Called once, when the host asks for the route table (so that the app's options
        can still change until then); the routes go first, as FastAPI's do, and none of
        the app's dependencies or responses apply to them.
        """
        if self._setup_done:
            return
        self._setup_done = True
        openapi_url = self.openapi_url
        if not openapi_url:
            return
        own = list(self.routes)
        del self.routes[:]
        try:
            self._setup_docs(openapi_url)
        finally:
            self.routes.extend(own)

    def _setup_docs(self, openapi_url: str) -> None:

        rendered: list[Any] = [None, b""]  # (document, its JSON), encoded once

        def openapi() -> Response:
            document = self.openapi()
            if rendered[0] is not document:
                rendered[:] = [document, JSONResponse(document).body]
            return Response(rendered[1], media_type="application/json")

        self._add_docs_route(openapi_url, openapi)
        document_url = self.root_path + openapi_url
        if self.docs_url:
            oauth2_url = self.swagger_ui_oauth2_redirect_url
            title = f"{self.title} - Swagger UI"

            def swagger_ui_html() -> Response:
                from .openapi.docs import get_swagger_ui_html

                redirect = self.root_path + oauth2_url if oauth2_url else None
                return get_swagger_ui_html(
                    openapi_url=document_url, title=title, oauth2_redirect_url=redirect,
                    init_oauth=self.swagger_ui_init_oauth,
                    swagger_ui_parameters=self.swagger_ui_parameters)

            self._add_docs_route(self.docs_url, swagger_ui_html)
            if oauth2_url:
                def swagger_ui_redirect() -> Response:
                    from .openapi.docs import get_swagger_ui_oauth2_redirect_html

                    return get_swagger_ui_oauth2_redirect_html()

                self._add_docs_route(oauth2_url, swagger_ui_redirect)
        if self.redoc_url:
            redoc_title = f"{self.title} - ReDoc"

            def redoc_html() -> Response:
                from .openapi.docs import get_redoc_html

                return get_redoc_html(openapi_url=document_url, title=redoc_title)

            self._add_docs_route(self.redoc_url, redoc_html)

    def _add_docs_route(self, path: str, endpoint: Callable[[], Response]) -> None:
        # Like FastAPI's plain routes for these: none of the app's dependencies or responses.
        self.routes.append(APIRoute(path, endpoint, methods=["GET"], include_in_schema=False))

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

    def middleware(self, middleware_type: str) -> Callable[[HandlerT], HandlerT]:
        """Register an `async def (request, call_next)` HTTP middleware (see _middleware)."""
        if middleware_type != "http":
            raise ValueError(f"unknown middleware type {middleware_type!r}: only 'http' exists")

        def decorator(func: HandlerT) -> HandlerT:
            if not inspect.iscoroutinefunction(func):
                raise TypeError(f"{getattr(func, '__qualname__', func)}: an HTTP middleware "
                                "must be `async def (request, call_next)`")
            self._http_middleware.append(func)
            return func

        return decorator

    def add_middleware(self, middleware_class: Any, *args: Any, **kwargs: Any) -> None:
        """Add a built-in middleware (fasterapi.middleware); the last added is the outermost.

        The options are checked now; anything but the built-in classes is refused, since no
        ASGI app exists to wrap (use `@app.middleware("http")` instead).
        """
        from .middleware import Middleware

        self._add_go_middleware(0, Middleware(middleware_class, *args, **kwargs),
                                middleware_class, args, kwargs)

    def _add_go_middleware(self, position: int, item: Middleware, cls: Any,
                           args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        from .middleware._base import instantiate

        instance = instantiate(cls, args, kwargs)
        self.user_middleware.insert(position, item)
        self._go_middleware.insert(position, instance)

    def host_table(self) -> dict[str, Any]:
        """What the server gets at boot: the route table, and the app's settings beside it:
        the built-in middleware (outermost first, each as [name, options]) and, when the app
        has HTTP middleware, the index of the extra row through which the server's own
        404/405/307 answers reach them (see fasterapi._middleware)."""
        from ._middleware import ANSWER_METHOD

        routes = self.route_table()
        config: dict[str, Any] = {
            "middleware": [[m.go_name, m.go_config()] for m in self._go_middleware]}
        self._answer_route = -1
        if self._http_middleware:
            self._answer_route = len(routes)
            routes.append(("", (ANSWER_METHOD,), 200, "fasterapi.answer"))
            config["answer_route"] = self._answer_route
        return {"routes": routes, "app": config}

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
        self.setup()
        # Mounts come after the routes: route indexes stay those of `self.routes`, and a
        # route under a mount's path wins over the mount.
        return ([route.table_entry() for route in self.routes]
                + [mount.table_entry() for mount in self.mounts])

    def host_kinds(self) -> bytes:
        """How the host encodes what each route's `_dispatch` returns when it is not a
        Response, by route index (routing.HOST_JSON, HOST_TEXT_PLAIN or HOST_TEXT_HTML)."""
        return bytes(getattr(route, "host_kind", HOST_JSON) for route in self.routes)

    def _dispatch(self, route_index: int, raw: RawRequest) -> object:
        """Answer one request; returns a Response or a value to JSON-encode.

        Never raises: every failure becomes the response FastAPI would send.
        """
        try:
            if self._http_middleware and HOSTED:
                result = self._through_middleware(route_index, raw)
            elif self.dependency_overrides:
                result = self.routes[route_index].handle_full(raw, self)
            else:
                result = self.routes[route_index].handle(raw, self)
        except Exception as exc:
            return self._handle_exception(exc, raw)
        if isinstance(result, Response):
            if isinstance(result, StreamingResponse) and HOSTED:
                from ._streamed import start_streamed

                start_streamed(result)  # its background runs after the last piece
                return None
            if result.background is not None:
                from .background import run_after_response

                run_after_response(result.background)
        return result

    def _through_middleware(self, route_index: int, raw: RawRequest) -> object:
        """The answer of the route, or of the server's own 404/405/307 (the answer route),
        through the app's `@app.middleware("http")` functions; WebSocket routes skip them."""
        from ._concurrency import answer_async
        from ._middleware import answer_response, route_response, run_chain

        endpoint: Callable[[], Awaitable[Response]]
        if route_index == self._answer_route:
            endpoint = partial(answer_response, self, raw)
        else:
            route = self.routes[route_index]
            if not isinstance(route, APIRoute):
                return route.handle(raw, self)
            endpoint = partial(route_response, self, route, raw)
        middleware = self._http_middleware
        return answer_async(lambda: run_chain(self, raw, middleware, endpoint), 200,
                            lambda exc: self._handle_exception(exc, raw))

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
