"""Running `async def` handlers.

Under the Go host each interpreter gets one asyncio event loop on its own Python thread,
started by the first async request. `answer_async` runs a request's coroutine as a task of that
loop; its first step runs at once on the event-loop thread that received the request, so a
handler that does not wait is answered there like a sync one, with no thread hand-off. A
handler that waits is left to the asyncio thread, and the event-loop thread goes on serving
other connections; when the coroutine finishes, `_fasterapi.complete` sends its answer back
to the request's connection through the host. Sync-only apps never import asyncio.

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


# Held by the interpreter's asyncio thread except while it waits in its selector: an
# event-loop thread that takes it may run a coroutine's first step itself (see answer_async).
_gate = threading.Lock()


def start_host_loop() -> asyncio.AbstractEventLoop:
    global _host_loop
    with _host_loop_lock:
        if _host_loop is None:
            import asyncio
            import selectors

            class GatedSelector(selectors.DefaultSelector):
                def select(self, timeout: float | None = None) -> Any:
                    _gate.release()
                    try:
                        return super().select(timeout)
                    finally:
                        _gate.acquire()

            loop = asyncio.SelectorEventLoop(GatedSelector())
            ready = threading.Event()

            def run() -> None:
                _gate.acquire()
                asyncio.set_event_loop(loop)
                loop.call_soon(ready.set)
                loop.run_forever()

            # Not a daemon: sub-interpreters refuse daemon threads. The process exits without
            # finalising Python, so this thread never blocks the exit.
            threading.Thread(target=run, name="fasterapi-asyncio").start()
            ready.wait()
            _host_loop = loop
        return _host_loop


class _Answer:
    """Where an async handler's task leaves its result while it runs inline."""

    __slots__ = ("result", "timeout", "token")

    def __init__(self) -> None:
        self.token: int | None = None  # set once the answer is deferred to the asyncio thread
        self.result: Any = None
        self.timeout: BaseException | None = None


def answer_async(make_coroutine: Callable[[], Coroutine[Any, Any, Any]], default_status: int,
              on_error: Callable[[Exception], Any]) -> Any:
    """Answer the current request with the coroutine's result, as a sync handler would if
    the coroutine finishes without waiting (its first step runs here, on the event-loop
    thread, as an eager asyncio Task of this interpreter's loop); otherwise, or when the
    asyncio thread is busy, the answer is deferred (returns None) and comes from that loop.

    The coroutine's result is what the host sends (a Response, or a value it JSON-encodes
    with default_status); if it raises, on_error turns the exception into that result.
    """
    loop = start_host_loop()
    # Only while the asyncio thread waits in its selector: then no task of the loop runs, and
    # the loop's queues can be touched from this thread (it is woken below to see them).
    if not _gate.acquire(blocking=False):
        defer(make_coroutine, default_status, on_error)
        return None
    try:
        import asyncio

        answer = _Answer()
        asyncio.events._set_running_loop(loop)
        try:
            task = asyncio.Task(_answer(answer, make_coroutine, default_status, on_error),
                                loop=loop, eager_start=True)
            # A task that only yielded (`await asyncio.sleep(0)`) is ready again at once: run
            # the loop's ready callbacks here a few rounds, as the loop would, to finish it.
            for _ in range(_INLINE_ROUNDS):
                if task.done() or not _run_ready(loop):
                    break
        finally:
            asyncio.events._set_running_loop(None)
        if task.done():
            if answer.timeout is not None:
                raise answer.timeout
            return answer.result
        answer.token = _fasterapi.defer()
        loop.call_soon_threadsafe(_wake)  # the task's next step was queued from this thread
        return None
    finally:
        _gate.release()


# How many rounds of ready callbacks an event-loop thread runs for the loop before it leaves
# a still-unfinished task to the asyncio thread.
_INLINE_ROUNDS = 4


def _run_ready(loop: asyncio.AbstractEventLoop) -> bool:
    """Run the callbacks ready now on `loop` (whose thread waits in its selector, gated out),
    as one round of its own loop would; False when there were none."""
    ready = loop._ready  # type: ignore[attr-defined]
    if not ready:
        return False
    for _ in range(len(ready)):
        handle = ready.popleft()
        if not handle._cancelled:
            handle._run()
    return True


def _wake() -> None:
    """Nothing: scheduling it wakes the loop's selector."""


def defer(make_coroutine: Callable[[], Coroutine[Any, Any, Any]], default_status: int,
          on_error: Callable[[Exception], Any]) -> None:
    """Answer the current request later: run the coroutine on this interpreter's asyncio loop."""
    answer = _Answer()
    answer.token = _fasterapi.defer()
    loop = start_host_loop()
    loop.call_soon_threadsafe(
        lambda: loop.create_task(_answer(answer, make_coroutine, default_status, on_error)))


async def _answer(answer: _Answer, make_coroutine: Callable[[], Coroutine[Any, Any, Any]],
                  default_status: int, on_error: Callable[[Exception], Any]) -> None:
    deadline: asyncio.Timeout | None = None
    try:
        if _HANDLER_TIMEOUT:
            import asyncio

            deadline = asyncio.timeout(_HANDLER_TIMEOUT)
            async with deadline:
                result = await make_coroutine()
        else:  # no limit: not even a Timeout context, ~1 us per request
            result = await make_coroutine()
    except Exception as exc:
        expired = deadline is not None and deadline.expired()
        result = _timeout_response() if expired else on_error(exc)
    except BaseException as exc:
        if answer.token is None and isinstance(exc, _fasterapi.HandlerTimeout):
            # Raised by the host's watchdog into the inline step: the host answers 504.
            answer.timeout = exc
            return
        # SystemExit or KeyboardInterrupt from a handler: asyncio would stop this
        # interpreter's loop for good. Answer 500 and keep serving, as uvicorn does.
        result = _crash_response()
    token = answer.token
    if token is None:  # finished inline: answer_async returns it to the dispatcher
        answer.result = result
        return
    from .responses import Response, StreamingResponse

    if isinstance(result, StreamingResponse):
        from ._streamed import run_streamed

        await run_streamed(token, result)
        return
    _fasterapi.complete(token, default_status, result)
    if isinstance(result, Response) and result.background is not None:
        from .background import run_after_response

        run_after_response(result.background)


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
