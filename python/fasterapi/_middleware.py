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
Answers the Go host gives by itself (404, 405, the trailing-slash redirect) do not pass
through Python middleware.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from .requests import Request
from .responses import Response

if TYPE_CHECKING:
    from ._raw import RawRequest
    from .routing import APIRoute

CallNext = Callable[[Request], Awaitable[Response]]
HTTPMiddleware = Callable[[Request, CallNext], Awaitable[Response]]


async def run_chain(app: Any, route: APIRoute, raw: RawRequest,
                    middleware: list[HTTPMiddleware]) -> Response:
    async def endpoint(request: Request) -> Response:
        return await route_response(app, route, raw)

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
        response: Response = app._handle_exception(exc, raw)
        return response
    if isinstance(result, Response):
        return result
    return route.make_response(result)
