"""Start-up and shutdown of the app in each interpreter that serves it.

Every interpreter imports the app, so start-up (the `lifespan=` context manager and the
`on_event("startup")` handlers) runs once in each, on that interpreter's asyncio loop, and
shutdown runs there when the server stops. State set up here is per interpreter.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from . import _concurrency

SHUTDOWN_TIMEOUT = 10.0

_app: Any = None
_context: AbstractAsyncContextManager[Any] | None = None
_started = False


def _has_work(app: Any) -> bool:
    return bool(getattr(app, "lifespan", None) or getattr(app, "on_startup", None)
                or getattr(app, "on_shutdown", None))


async def _call_all(handlers: list[Callable[[], Any]]) -> None:
    for handler in handlers:
        result = handler()
        if inspect.isawaitable(result):
            await result


async def _enter(app: Any) -> None:
    global _context
    await _call_all(list(getattr(app, "on_startup", ())))
    lifespan = getattr(app, "lifespan", None)
    if lifespan is not None:
        context = lifespan(app)
        state = await context.__aenter__()
        _context = context
        if state:
            for key, value in dict(state).items():
                setattr(app.state, key, value)


async def _exit(app: Any) -> None:
    global _context
    context, _context = _context, None
    try:
        if context is not None:
            await context.__aexit__(None, None, None)
    finally:
        await _call_all(list(getattr(app, "on_shutdown", ())))


def _run(coroutine: Any, timeout: float | None) -> None:
    # Imported here: an app without start-up work never needs asyncio (7 MB per interpreter).
    import asyncio

    loop = _concurrency.start_host_loop()
    asyncio.run_coroutine_threadsafe(coroutine, loop).result(timeout)


def startup(app: Any) -> None:
    """Run the app's start-up in this interpreter (once); raises what it raises."""
    global _app, _started
    if _started:
        return
    _app, _started = app, True
    if _has_work(app):
        _run(_enter(app), None)


def shutdown() -> None:
    """Run the app's shutdown in this interpreter if its start-up ran."""
    global _started
    if not _started or _app is None:
        return
    _started = False
    if _has_work(_app):
        _run(_exit(_app), SHUTDOWN_TIMEOUT)
