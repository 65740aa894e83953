"""Work that runs after the response: `BackgroundTasks` (a handler or dependency parameter)
and `BackgroundTask` (a Response's `background=`), with Starlette's API.

Under the host the tasks run on the interpreter's asyncio loop once the handler's answer has
been handed to the server, so the client does not wait for them; sync functions run in a
worker thread, as Starlette runs them in its thread pool. A task that raises is logged and
the ones after it still run.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

from ._concurrency import HOSTED, run_coroutine, start_host_loop
from ._errorlog import log_exception


class BackgroundTask:
    def __init__(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self.func = func
        self.args = args
        self.kwargs = kwargs
        self.is_async = inspect.iscoroutinefunction(func)

    async def __call__(self) -> None:
        if self.is_async:
            await self.func(*self.args, **self.kwargs)
        else:
            import asyncio  # here: sync-only apps never import asyncio

            await asyncio.to_thread(self.func, *self.args, **self.kwargs)


class BackgroundTasks(BackgroundTask):
    """A list of tasks run one after another, in the order they were added."""

    def __init__(self, tasks: Sequence[BackgroundTask] | None = None) -> None:
        self.tasks = list(tasks or [])

    def add_task(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self.tasks.append(BackgroundTask(func, *args, **kwargs))

    async def __call__(self) -> None:
        for task in self.tasks:
            try:
                await task()
            except Exception:
                name = getattr(task.func, "__qualname__", task.func)
                log_exception(f"background task {name!r} raised")


def run_after_response(task: BackgroundTask) -> None:
    """Start `task` once the current answer is on its way (at once outside the host)."""
    if HOSTED:
        loop = start_host_loop()
        loop.call_soon_threadsafe(lambda: loop.create_task(_guarded(task)))
    else:
        run_coroutine(_guarded(task))


async def _guarded(task: BackgroundTask) -> None:
    try:
        await task()
    except Exception:
        log_exception("a background task raised")
