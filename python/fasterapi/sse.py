"""Server-Sent Events (the WHATWG HTML "server-sent events" format).

Two ways to serve a stream:

- return `EventSourceResponse(async_generator)` from a GET handler; each yielded item (a str,
  a dict or list sent as JSON, or a ServerSentEvent) becomes one event;
- `@app.sse("/path")` on an `async def handler(sse: SSEConnection, ...)` that calls
  `await sse.send(...)` for as long as it likes.

Either way a comment line keeps idle connections alive every `--sse-ping-interval` seconds,
and the handler is cancelled as soon as the client goes away.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import json
import os
from collections.abc import AsyncIterable, Callable, Mapping
from typing import Any

from .requests import Request
from .responses import StreamingResponse

_PING_INTERVAL = float(os.environ.get("FASTERAPI_SSE_PING_INTERVAL") or 15)


class ServerSentEvent:
    """One event: `data` (str, or anything JSON-encodable), and the optional fields."""

    def __init__(self, data: Any = None, *, event: str | None = None, id: str | None = None,
                 retry: int | None = None, comment: str | None = None) -> None:
        self.data = data
        self.event = event
        self.id = id
        self.retry = retry
        self.comment = comment

    def encode(self) -> bytes:
        lines: list[str] = []
        if self.comment is not None:
            lines.extend(": " + line for line in self.comment.splitlines() or [""])
        for name, value in (("event", self.event), ("id", self.id)):
            if value is not None:
                if any(c in value for c in "\r\n\0"):
                    raise ValueError(f"an SSE {name} must not contain CR, LF or NUL: {value!r}")
                lines.append(f"{name}: {value}")
        if self.retry is not None:
            lines.append(f"retry: {int(self.retry)}")
        if self.data is not None:
            text = self.data if isinstance(self.data, str) else json.dumps(
                self.data, separators=(",", ":"), ensure_ascii=False)
            lines.extend("data: " + line for line in text.replace("\r\n", "\n").split("\n"))
        return ("\n".join(lines) + "\n\n").encode("utf-8")


def _encode(item: Any) -> bytes:
    if isinstance(item, ServerSentEvent):
        return item.encode()
    if isinstance(item, bytes):
        return item
    return ServerSentEvent(item).encode()


class EventSourceResponse(StreamingResponse):
    """A `text/event-stream` response from an (async) iterator of events."""

    media_type = "text/event-stream"

    def __init__(self, content: AsyncIterable[Any] | Any, status_code: int = 200,
                 headers: Mapping[str, str] | None = None,
                 ping_interval: float | None = None) -> None:
        merged = {"cache-control": "no-cache", "x-accel-buffering": "no", **(headers or {})}
        super().__init__(_encoded(content), status_code=status_code, headers=merged)
        self.ping_interval = _PING_INTERVAL if ping_interval is None else ping_interval


async def _encoded(content: Any) -> Any:
    if hasattr(content, "__aiter__"):
        try:
            async for item in content:
                yield _encode(item)
        finally:
            # Leaving `async for` does not close the source; closing it now (not when it is
            # collected) is what cancels an `@app.sse` handler as soon as its client leaves.
            closer = getattr(content, "aclose", None)
            if closer is not None:
                await closer()
    else:
        for item in content:
            yield _encode(item)


class SSEConnection(Request):
    """The client of an `@app.sse` handler: send events to it with `await sse.send(...)`."""

    def __init__(self, request: Request) -> None:
        super().__init__(request._raw, request.app if hasattr(request, "app") else None)
        # A small queue: a client that reads slowly makes send() wait instead of piling up.
        self._queue: asyncio.Queue[bytes] = asyncio.Queue(maxsize=16)

    @property
    def request(self) -> Request:
        return self

    @property
    def last_event_id(self) -> str | None:
        """The Last-Event-ID a reconnecting browser sends, to resume after it."""
        value: str | None = self.headers.get("last-event-id")
        return value

    async def send(self, data: Any = None, *, event: str | None = None, id: str | None = None,
                   retry: int | None = None) -> None:
        await self._queue.put(ServerSentEvent(data, event=event, id=id, retry=retry).encode())

    async def ping(self, comment: str = "ping") -> None:
        await self._queue.put(ServerSentEvent(comment=comment).encode())


def sse_endpoint(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap an `async def handler(sse: SSEConnection, ...)` as a GET endpoint that returns an
    EventSourceResponse fed by the handler's sends."""
    if not inspect.iscoroutinefunction(endpoint):
        raise TypeError(f"{endpoint.__qualname__}: an SSE endpoint must be `async def`")
    hints = inspect.get_annotations(endpoint, eval_str=True)
    names = [name for name, hint in hints.items()
             if isinstance(hint, type) and issubclass(hint, SSEConnection)]
    if not names:
        raise TypeError(f"{endpoint.__qualname__}: an SSE endpoint needs a parameter annotated "
                        "SSEConnection")

    @functools.wraps(endpoint)
    async def wrapper(**values: Any) -> EventSourceResponse:
        connection = SSEConnection(values[names[0]])
        for name in names:
            values[name] = connection
        return EventSourceResponse(_run(endpoint, values, connection))

    return wrapper


async def _run(endpoint: Callable[..., Any], values: dict[str, Any],
               connection: SSEConnection) -> Any:
    task = asyncio.ensure_future(endpoint(**values))
    get: asyncio.Future[bytes] | None = None
    try:
        while True:
            get = asyncio.ensure_future(connection._queue.get())
            done, _ = await asyncio.wait({get, task}, return_when=asyncio.FIRST_COMPLETED)
            if get in done:
                yield get.result()
                continue
            get.cancel()
            while not connection._queue.empty():
                yield connection._queue.get_nowait()
            task.result()  # the handler's exception, if any, ends the stream as a failure
            return
    finally:
        if get is not None and not get.done():
            get.cancel()
        if not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
