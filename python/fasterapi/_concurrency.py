"""Running `async def` handlers.

Under the Go host each interpreter gets one asyncio event loop on its own Python thread,
started by the first async request. `defer` hands a request's coroutine to that loop and
returns at once, so the event-loop thread that received the request keeps serving other
connections; when the coroutine finishes, `_fasterapi.complete` sends its answer back to the
request's connection through the host. Sync-only apps never import asyncio.

Outside the host (unit tests, exception handlers) `run_coroutine` runs a coroutine to the end
on a private loop of the calling thread.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import asyncio

# --timeout-handler, in seconds (0: none); the host sets it before the app is imported.
_HANDLER_TIMEOUT = float(os.environ.get("FASTERAPI_TIMEOUT_HANDLER") or 0)

_loop: asyncio.AbstractEventLoop | None = None
_host_loop: asyncio.AbstractEventLoop | None = None
_host_loop_lock = threading.Lock()

try:
    import _fasterapi

    HOSTED = True
except ImportError:
    HOSTED = False


def run_coroutine(coroutine: Coroutine[Any, Any, Any]) -> Any:
    global _loop
    loop = _loop
    if loop is None or loop.is_closed():
        import asyncio

        loop = _loop = asyncio.new_event_loop()
    return loop.run_until_complete(coroutine)


def start_host_loop() -> asyncio.AbstractEventLoop:
    global _host_loop
    with _host_loop_lock:
        if _host_loop is None:
            import asyncio

            loop = asyncio.new_event_loop()
            ready = threading.Event()

            def run() -> None:
                asyncio.set_event_loop(loop)
                loop.call_soon(ready.set)
                loop.run_forever()

            # Not a daemon: sub-interpreters refuse daemon threads. The process exits without
            # finalising Python, so this thread never blocks the exit.
            threading.Thread(target=run, name="fasterapi-asyncio").start()
            ready.wait()
            _host_loop = loop
        return _host_loop


def defer(make_coroutine: Callable[[], Coroutine[Any, Any, Any]], default_status: int,
          on_error: Callable[[Exception], Any]) -> None:
    """Answer the current request later: run the coroutine on this interpreter's asyncio loop.

    The coroutine's result is what the host sends (a Response, or a value it JSON-encodes
    with default_status); if it raises, on_error turns the exception into that result.
    """
    token = _fasterapi.defer()
    loop = start_host_loop()
    loop.call_soon_threadsafe(_start, loop, make_coroutine, token, default_status, on_error)


def _start(loop: asyncio.AbstractEventLoop, make_coroutine: Callable[[], Coroutine[Any, Any, Any]],
           token: int, default_status: int, on_error: Callable[[Exception], Any]) -> None:
    async def answer() -> None:
        import asyncio

        deadline = asyncio.timeout(_HANDLER_TIMEOUT or None)
        try:
            async with deadline:
                result = await make_coroutine()
        except Exception as exc:
            result = _timeout_response() if deadline.expired() else on_error(exc)
        except BaseException:
            # SystemExit or KeyboardInterrupt from a handler: asyncio would stop this
            # interpreter's loop for good. Answer 500 and keep serving, as uvicorn does.
            result = _crash_response()
        from .responses import Response, StreamingResponse

        if isinstance(result, StreamingResponse):
            from ._streamed import run_streamed

            await run_streamed(token, result)
            return
        _fasterapi.complete(token, default_status, result)
        if isinstance(result, Response) and result.background is not None:
            from .background import run_after_response

            run_after_response(result.background)

    loop.create_task(answer())


def _timeout_response() -> Any:
    from ._errorlog import log_exception
    from .responses import JSONResponse

    log_exception(f"an async handler ran longer than --timeout-handler ({_HANDLER_TIMEOUT}s) "
                  "and was cancelled; answered 504")
    return JSONResponse({"detail": "Gateway Timeout: the handler ran too long"}, status_code=504)


def _crash_response() -> Any:
    from ._errorlog import log_exception
    from .responses import PlainTextResponse

    log_exception("an async handler raised a BaseException")
    return PlainTextResponse("Internal Server Error", status_code=500)
