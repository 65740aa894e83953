"""Sending a StreamingResponse: the head, then each piece of the body as its iterator yields
it, paced by the client's reading, cancelled when the client goes away."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from typing import Any

import _fasterapi

from ._concurrency import start_host_loop
from ._errorlog import log_exception
from ._stream import (
    HIGH_WATER,
    OP_ABORT,
    OP_HTTP_BODY,
    OP_HTTP_START,
    Disconnected,
    attach,
    detach,
    header_lines,
)
from .responses import PlainTextResponse, StreamingResponse

_DONE = object()


def start_streamed(response: StreamingResponse) -> None:
    """Answer the request being dispatched with `response`, streamed from the asyncio loop."""
    token = _fasterapi.defer()
    loop = start_host_loop()
    loop.call_soon_threadsafe(lambda: loop.create_task(run_streamed(token, response)))


async def run_streamed(token: int, response: StreamingResponse) -> None:
    try:
        channel = attach(token)
    except RuntimeError as exc:  # a connection that cannot stream (HTTP/2 for now)
        log_exception(f"cannot send a StreamingResponse: {exc}")
        await _close(response.body_iterator)
        _fasterapi.complete(token, 500, PlainTextResponse(str(exc), status_code=500))
        return
    channel.cancel_on_disconnect = True
    channel.task = asyncio.current_task()
    started = False
    failed: Any = None
    pieces: Any = response.body_iterator
    try:
        channel.send(OP_HTTP_START, response.status_code, header_lines(response.raw_headers))
        started = True
        ping = getattr(response, "ping_interval", None)
        iterator = response.body_iterator
        # An async iterator with no keep-alive to interleave is read directly: each layer of
        # async generator (or coroutine) costs per piece.
        direct = not ping and hasattr(iterator, "__aiter__")
        pieces = iterator if direct else _pieces(iterator, ping)
        # Channel.send inlined: this loop runs once per piece (per event, for SSE).
        queue, outlet = _fasterapi.queue, channel.outlet
        async for piece in pieces:
            data = piece if type(piece) is bytes else (
                piece.encode(response.charset) if isinstance(piece, str) else bytes(piece))
            if data:
                queued = queue(outlet, OP_HTTP_BODY, 0, data)
                if queued > HIGH_WATER:
                    await channel.drained()
                elif queued < 0:
                    raise channel.disconnect or Disconnected()
    except (Disconnected, asyncio.CancelledError):
        if channel.disconnect is None:
            raise  # cancelled for another reason than the client leaving
        if not started:  # the server began shutting down before the head went out
            failed = PlainTextResponse("Service Unavailable: the server is shutting down",
                                       status_code=503)
    except Exception:
        log_exception("a StreamingResponse's body iterator raised")
        if started:
            with contextlib.suppress(Disconnected):
                channel.send(OP_ABORT)  # an incomplete body tells the client it failed
        else:
            failed = PlainTextResponse("Internal Server Error", status_code=500)
    finally:
        detach(channel)
        if pieces is not response.body_iterator:
            await _close(pieces)
        await _close(response.body_iterator)
        _fasterapi.complete(token, response.status_code, failed)
        if response.background is not None and failed is None:
            from .background import run_after_response

            run_after_response(response.background)


async def _pieces(iterator: Any, ping: float | None) -> AsyncIterator[Any]:
    """The pieces of a sync iterator, or of any iterator with a ping interval (an async one
    without is read directly); sync iterators step in a worker thread, as in Starlette. With a
    ping interval, an SSE comment is yielded whenever the iterator stays silent that long."""
    if not ping:  # no keep-alive to interleave: no Task per piece
        plain: Iterator[Any] = iter(iterator)
        while (item := await asyncio.to_thread(next, plain, _DONE)) is not _DONE:
            yield item
        return
    if hasattr(iterator, "__aiter__"):
        source = aiter(iterator)

        async def step() -> Any:
            return await anext(source, _DONE)
    else:
        sync: Iterator[Any] = iter(iterator)

        async def step() -> Any:
            return await asyncio.to_thread(next, sync, _DONE)
    while True:
        pending = asyncio.ensure_future(step())
        try:
            while ping:
                done, _ = await asyncio.wait({pending}, timeout=ping)
                if done:
                    break
                yield b": ping\n\n"
            item = await pending
        finally:
            if not pending.done():
                # Wait for the step to unwind: until then the iterator counts as running and
                # could not be closed.
                pending.cancel()
                await asyncio.gather(pending, return_exceptions=True)
        if item is _DONE:
            return
        yield item


async def _close(iterator: Any) -> None:
    closer = getattr(iterator, "aclose", None)
    try:
        if closer is not None:
            await closer()
        elif hasattr(iterator, "close"):
            iterator.close()
    except Exception:
        log_exception("closing a StreamingResponse's body iterator raised")
