"""The stream path of long-lived handlers: WebSockets, streamed responses, Server-Sent Events.

A handler sends operations to its connection through the outlet `_fasterapi.attach` opened
for it, with `_fasterapi.queue`: they go to this interpreter's outbox, in C, and an event loop
takes them from there, so sending never blocks nor enters Go. The connection's events
(messages, the peer going away, the send queue draining) come back through the interpreter's
inbox: the loops append them and signal an eventfd that this interpreter's asyncio loop
watches, and `_drain` hands each to its `Channel`. Channel subscriptions, which the server
answers at once, go through `_fasterapi.send`. Operation and event numbers are shared with
pybridge/stream.go.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections import deque
from typing import TYPE_CHECKING, Any

from ._concurrency import start_host_loop

if TYPE_CHECKING:
    import asyncio

try:
    import _fasterapi
except ImportError:  # outside the host
    _fasterapi = None

OP_WS_ACCEPT = 2
OP_WS_TEXT = 3
OP_WS_BINARY = 4
OP_WS_CLOSE = 5
OP_HTTP_START = 6
OP_HTTP_BODY = 7
OP_ABORT = 8
OP_SUBSCRIBE = 9
OP_UNSUBSCRIBE = 10
OP_PUBLISH = 11
OP_PROBE = 12

EVENT_TEXT = 1
EVENT_BINARY = 2
EVENT_DISCONNECT = 3
EVENT_DRAINED = 4

# Bytes queued on a connection past which a sender waits for EVENT_DRAINED (server/stream.go).
HIGH_WATER = 1 << 20

_GONE = -1
_UNSUPPORTED = -2


class Disconnected(Exception):
    """The connection went away; `code` is the WebSocket close code (1006 when it just broke)."""

    def __init__(self, code: int = 1006, reason: str = "") -> None:
        super().__init__(code, reason)
        self.code = code
        self.reason = reason


class Channel:
    """One connection as its handler sees it, used on the interpreter's asyncio loop."""

    def __init__(self, token: int, loop: asyncio.AbstractEventLoop, outlet: object) -> None:
        self.token = token
        self.loop = loop
        self.outlet = outlet
        self.messages: deque[tuple[int, bytes]] = deque()
        self.disconnect: Disconnected | None = None
        self._receiver: asyncio.Future[None] | None = None
        self._drained: asyncio.Future[None] | None = None
        # Cancelled when the peer goes away, so a handler stuck in an await ends at once.
        self.task: asyncio.Task[Any] | None = None

    def send(self, op: int, code: int = 0, data: bytes | None = None) -> int:
        if op < OP_SUBSCRIBE:  # queued for the connection; channel operations are answered
            queued: int = _fasterapi.queue(self.outlet, op, code, data)
        else:
            queued = _fasterapi.send(self.token, op, code, data)
        if queued < 0:
            if queued == _UNSUPPORTED:
                raise RuntimeError("this operation is not supported on this connection: channel "
                                   "subscriptions are for WebSocket connections only")
            raise self.disconnect or Disconnected()
        return queued

    async def send_paced(self, op: int, code: int = 0, data: bytes | None = None) -> None:
        """Send, then wait while the connection holds more than HIGH_WATER unsent bytes."""
        if self.send(op, code, data) > HIGH_WATER:
            await self.drained()

    async def drained(self) -> None:
        """Wait until the connection's queue fell below its low-water mark (after a send
        answered more than HIGH_WATER); Disconnected when it went away meanwhile. Hot paths
        call send() and await this only past HIGH_WATER: a coroutine per message costs."""
        self._drained = self.loop.create_future()
        try:
            await self._drained
        finally:
            self._drained = None
        if self.disconnect is not None:
            raise self.disconnect

    async def receive(self) -> tuple[int, bytes]:
        """The next message as (EVENT_TEXT or EVENT_BINARY, payload); Disconnected at the end."""
        while not self.messages:
            if self.disconnect is not None:
                raise self.disconnect
            self._receiver = self.loop.create_future()
            try:
                await self._receiver
            finally:
                self._receiver = None
        return self.messages.popleft()

    def feed(self, kind: int, code: int, data: bytes) -> None:
        if kind == EVENT_DRAINED:
            _wake(self._drained)
            return
        if kind == EVENT_DISCONNECT:
            if self.disconnect is None:
                self.disconnect = Disconnected(code, data.decode("utf-8", "replace"))
            _wake(self._drained)
            _wake(self._receiver)
            if self.task is not None and self.cancel_on_disconnect:
                self.task.cancel()
            return
        self.messages.append((kind, data))
        _wake(self._receiver)

    # WebSocket handlers hear of the disconnect through receive(); streamed responses and SSE,
    # which never receive, are cancelled instead.
    cancel_on_disconnect = False


def _wake(future: asyncio.Future[None] | None) -> None:
    if future is not None and not future.done():
        future.set_result(None)


_channels: dict[int, Channel] = {}
_inbox_id = 0
_inbox_lock = threading.Lock()


def attach(token: int) -> Channel:
    """Route the connection's events to a new Channel. Callable from the thread running the
    request's dispatch or from the asyncio loop."""
    loop = start_host_loop()
    _ensure_inbox(loop)
    outlet = _fasterapi.attach(token)
    if outlet is None:
        raise Disconnected()
    channel = Channel(token, loop, outlet)
    _channels[token] = channel
    return channel


def detach(channel: Channel) -> None:
    if _channels.get(channel.token) is channel:
        del _channels[channel.token]


def _ensure_inbox(loop: asyncio.AbstractEventLoop) -> None:
    global _inbox_id
    with _inbox_lock:
        if _inbox_id:
            return
        fd = os.eventfd(0, os.EFD_NONBLOCK | os.EFD_CLOEXEC)
        _inbox_id = _fasterapi.inbox_open(fd)
        # The eventfd stays readable until drained, so events posted before the reader is
        # registered are not lost.
        loop.call_soon_threadsafe(loop.add_reader, fd, _drain, fd)


def _drain(fd: int) -> None:
    with contextlib.suppress(BlockingIOError):  # another wake-up drained it already
        os.eventfd_read(fd)
    for token, kind, code, data in _fasterapi.inbox_take():
        channel = _channels.get(token)
        if channel is not None:
            channel.feed(kind, code, data)


def header_lines(raw_headers: list[tuple[bytes, bytes]]) -> bytes:
    """`name: value` CRLF lines; refuses bytes that would split a header (response splitting)."""
    out = bytearray()
    for name, value in raw_headers:
        if any(c in name or c in value for c in (b"\r", b"\n", b"\0")):
            raise ValueError(f"header {name!r} contains CR, LF or NUL")
        out += name + b": " + value + b"\r\n"
    return bytes(out)
