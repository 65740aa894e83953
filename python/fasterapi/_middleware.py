"""`@app.middleware("http")`: async functions that wrap every request answered in Python.

    @app.middleware("http")
    async def timing(request, call_next):
        response = await call_next(request)
        response.headers["x-time"] = "..."
        return response

With any such middleware, requests run on the interpreter's asyncio loop: the chain is
awaited there, sync handlers run in a worker thread (as Starlette runs them in its thread
pool), and `call_next` always returns a Response, errors included (HTTPException and
validation errors become their responses, as with Starlette's ExceptionMiddleware, which
sits inside user middleware). The last middleware added is the outermost, as in Starlette.

The answers the Go host gives by itself when no route matches (404, 405 with Allow, the
trailing-slash 307) pass through them too, as Starlette's router answers do: when the app has
HTTP middleware, the host sends those requests to `answer_response` (an extra row of the
route table, "answer_route") with the answer it would give, and the middleware see it as
the response of `call_next`. Custom exception handlers for 404 and 405 apply then as well.
Apps without HTTP middleware keep these answers entirely in Go.

The built-in middleware (fasterapi.middleware: CORS, GZip, TrustedHost, HTTPSRedirect) run
in Go, outside all of these functions whatever the order they were added in: a request they
answer themselves (a CORS preflight, a refused Host, the HTTPS redirect) never reaches
Python, and the headers or compression they add are not visible to the functions here.
StaticFiles mounts are answered in Go and do not pass through these functions either.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from .requests import Request
from .responses import Response

if TYPE_CHECKING:
    from ._raw import RawRequest
    from .routing import APIRoute

CallNext = Callable[[Request], Awaitable[Response]]
HTTPMiddleware = Callable[[Request, CallNext], Awaitable[Response]]


async def run_chain(app: Any, raw: RawRequest, middleware: list[HTTPMiddleware],
                    answer: Callable[[], Awaitable[Response]]) -> Response:
    """Run the middleware around `answer`, the innermost response (the route's, or the
    host's own answer)."""
    async def endpoint(request: Request) -> Response:
        return await answer()

    call: CallNext = endpoint
    for function in middleware:
        call = _wrap(function, call)
    response = await call(Request(raw, app))
    if not isinstance(response, Response):
        raise TypeError(f"HTTP middleware returned {type(response).__name__}, not a Response")
    return response


def _wrap(function: HTTPMiddleware, call_next: CallNext) -> CallNext:
    async def call(request: Request) -> Response:
        return await function(request, call_next)

    return call


async def route_response(app: Any, route: APIRoute, raw: RawRequest) -> Response:
    """The route's answer as a Response object, whatever the handler returned or raised."""
    try:
        if route.is_async:
            result = await route._run_async(route._context(raw, app))
        else:
            import asyncio

            result = await asyncio.to_thread(route.handle_full, raw, app)
    except Exception as exc:
        return await exception_response(app, exc, raw)
    if isinstance(result, Response):
        return result
    return route.make_response(result)


# The route-table row the host calls with its own answers, when the app has HTTP middleware:
# its method is no HTTP method, so the router never matches it.
ANSWER_METHOD = "FASTERAPI-ANSWER"


class AnsweredRequest:
    """The request of a host answer without the answer's fields, which the host passes as
    path parameters ("status", and "allow" or "location"); a request no route matched has
    no path parameters."""

    def __init__(self, raw: RawRequest) -> None:
        self._raw = raw
        self.path_params: dict[str, str] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)


async def answer_response(app: Any, raw: RawRequest) -> Response:
    """The host's own answer as the response Starlette's router gives: HTTPException(404) or
    (405, Allow) through the app's exception handlers, or the slash redirect."""
    fields = raw.path_params
    status = int(fields["status"])
    if status == 307:
        return Response(status_code=307, headers={"location": fields["location"]})
    from .exceptions import HTTPException

    headers = {"Allow": fields["allow"]} if "allow" in fields else None
    return await exception_response(app, HTTPException(status, headers=headers),
                                    AnsweredRequest(raw))


async def exception_response(app: Any, exc: Exception, raw: RawRequest) -> Response:
    """The app's answer to an exception, awaiting an async exception handler here (the chain
    runs on the interpreter's event loop, where app._handle_exception cannot run one)."""
    handler = app._lookup_handler(exc)
    if handler is None or not inspect.iscoroutinefunction(handler):
        response: Response = app._handle_exception(exc, raw)
        return response
    try:
        result = await handler(Request(raw, app), exc)
    except Exception as failure:
        return app._handle_exception(failure, raw)  # type: ignore[no-any-return]
    if not isinstance(result, Response):
        raise TypeError(f"exception handler {handler!r} returned {type(result).__name__}, "
                        "not a Response")
    return result
