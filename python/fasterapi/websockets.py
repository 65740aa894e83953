"""WebSocket handlers with Starlette's API: `await ws.accept()`, `send_*`, `receive_*`, `close()`.

The Go host does the RFC 6455 work (handshake, framing, masking, UTF-8 checks, pings, the
closing handshake); a WebSocket here only queues messages for the connection and takes the
ones the host received, through its `Channel`.
"""

from __future__ import annotations

import contextlib
import enum
import json
from collections.abc import AsyncIterator, Mapping
from typing import TYPE_CHECKING, Any

from ._stream import (
    EVENT_TEXT,
    HIGH_WATER,
    OP_WS_ACCEPT,
    OP_WS_BINARY,
    OP_WS_CLOSE,
    OP_WS_TEXT,
    Channel,
    Disconnected,
    header_lines,
)
from .requests import Request

if TYPE_CHECKING:
    from ._raw import RawRequest


class WebSocketState(enum.Enum):
    CONNECTING = 0
    CONNECTED = 1
    DISCONNECTED = 2
    RESPONSE = 3


class WebSocketDisconnect(Exception):
    """The client closed the connection (or it broke: code 1006)."""

    def __init__(self, code: int = 1000, reason: str | None = None) -> None:
        super().__init__(code, reason)
        self.code = code
        self.reason = reason or ""


class WebSocket(Request):
    """One WebSocket connection; also everything a Request offers about the handshake."""

    def __init__(self, raw: RawRequest, app: Any, channel: Channel) -> None:
        super().__init__(raw, app)
        self._channel = channel
        self.client_state = WebSocketState.CONNECTING
        self.application_state = WebSocketState.CONNECTING

    # ---- handshake and closing ---------------------------------------------------------

    async def accept(self, subprotocol: str | None = None,
                     headers: Mapping[str, str] | list[tuple[bytes, bytes]] | None = None) -> None:
        if self.application_state is not WebSocketState.CONNECTING:
            raise RuntimeError('Cannot call "accept" twice or after "close".')
        protocol = (subprotocol or "").encode("latin-1")
        if any(c in protocol for c in (b"\r", b"\n", b"\0")):
            raise ValueError(f"subprotocol {subprotocol!r} contains CR, LF or NUL")
        items = headers.items() if isinstance(headers, Mapping) else (headers or [])
        raw = [(name.encode("latin-1") if isinstance(name, str) else name,
                value.encode("latin-1") if isinstance(value, str) else value)
               for name, value in items]
        self._send(OP_WS_ACCEPT, 0, protocol + b"\r\n" + header_lines(raw))
        self.application_state = WebSocketState.CONNECTED
        self.client_state = WebSocketState.CONNECTED

    async def close(self, code: int = 1000, reason: str | None = None) -> None:
        if self.application_state is WebSocketState.DISCONNECTED:
            raise RuntimeError('Cannot call "close" twice; the connection is already closed.')
        with contextlib.suppress(Disconnected):  # gone already: nothing to close
            self._channel.send(OP_WS_CLOSE, code, (reason or "").encode("utf-8"))
        self.application_state = WebSocketState.DISCONNECTED

    # ---- sending -----------------------------------------------------------------------

    def _send(self, op: int, code: int, data: bytes) -> int:
        try:
            return self._channel.send(op, code, data)
        except Disconnected as gone:
            self.client_state = WebSocketState.DISCONNECTED
            raise WebSocketDisconnect(gone.code, gone.reason) from None

    def _check_send(self) -> None:
        if self.application_state is WebSocketState.CONNECTING:
            raise RuntimeError('WebSocket is not connected. Need to call "accept" first.')
        if self.application_state is WebSocketState.DISCONNECTED:
            raise RuntimeError('Cannot call "send" once a close message has been sent.')

    def _queue(self, op: int, data: bytes) -> bool:
        """Queue a message; True when the connection holds so much unsent that the sender must
        wait (`_drained`). Not a coroutine: one per message would cost more than the send."""
        self._check_send()
        try:
            return self._channel.send(op, 0, data) > HIGH_WATER
        except Disconnected as gone:
            self.client_state = WebSocketState.DISCONNECTED
            raise WebSocketDisconnect(gone.code, gone.reason) from None

    async def _drained(self) -> None:
        try:
            await self._channel.drained()
        except Disconnected as gone:
            self.client_state = WebSocketState.DISCONNECTED
            raise WebSocketDisconnect(gone.code, gone.reason) from None

    async def send_text(self, data: str) -> None:
        if self._queue(OP_WS_TEXT, data.encode("utf-8")):
            await self._drained()

    async def send_bytes(self, data: bytes) -> None:
        if self._queue(OP_WS_BINARY, bytes(data)):
            await self._drained()

    async def send_json(self, data: Any, mode: str = "text") -> None:
        if mode not in ("text", "binary"):
            raise RuntimeError('The "mode" argument should be "text" or "binary".')
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
        if mode == "text":
            await self.send_text(text)
        else:
            await self.send_bytes(text.encode("utf-8"))

    async def send(self, message: Mapping[str, Any]) -> None:
        """ASGI-style send: websocket.accept, websocket.send, websocket.close."""
        kind = message.get("type")
        if kind == "websocket.accept":
            await self.accept(message.get("subprotocol"), message.get("headers"))
        elif kind == "websocket.send":
            if message.get("bytes") is not None:
                await self.send_bytes(message["bytes"])
            else:
                await self.send_text(message.get("text") or "")
        elif kind == "websocket.close":
            await self.close(message.get("code", 1000), message.get("reason"))
        else:
            raise RuntimeError(f"unexpected ASGI message type {kind!r}")

    # ---- receiving ---------------------------------------------------------------------

    def _check_receive(self) -> None:
        if self.client_state is WebSocketState.DISCONNECTED:
            raise RuntimeError('Cannot call "receive" once a disconnect message has been received.')
        if self.application_state is WebSocketState.CONNECTING:
            raise RuntimeError('WebSocket is not connected. Need to call "accept" first.')

    async def receive(self) -> dict[str, Any]:
        """ASGI-style receive: websocket.receive with text or bytes, or websocket.disconnect."""
        self._check_receive()
        try:
            kind, data = await self._channel.receive()
        except Disconnected as gone:
            self.client_state = WebSocketState.DISCONNECTED
            return {"type": "websocket.disconnect", "code": gone.code, "reason": gone.reason}
        if kind == EVENT_TEXT:
            return {"type": "websocket.receive", "text": data.decode("utf-8")}
        return {"type": "websocket.receive", "bytes": data}

    def _ready(self) -> tuple[int, bytes] | None:
        """A message already received, taken without awaiting (the hot path), else None."""
        self._check_receive()
        messages = self._channel.messages
        return messages.popleft() if messages else None

    async def _receive_data(self) -> tuple[int, bytes]:
        """The next message as (EVENT_TEXT or EVENT_BINARY, payload), awaited once none is
        ready; WebSocketDisconnect at the end."""
        try:
            return await self._channel.receive()
        except Disconnected as gone:
            self.client_state = WebSocketState.DISCONNECTED
            raise WebSocketDisconnect(gone.code, gone.reason) from None

    async def receive_text(self) -> str:
        kind, data = self._ready() or await self._receive_data()
        if kind != EVENT_TEXT:
            raise RuntimeError("expected a text message, received a binary one")
        return data.decode("utf-8")

    async def receive_bytes(self) -> bytes:
        kind, data = self._ready() or await self._receive_data()
        if kind == EVENT_TEXT:
            raise RuntimeError("expected a binary message, received a text one")
        return data

    async def receive_json(self, mode: str = "text") -> Any:
        if mode not in ("text", "binary"):
            raise RuntimeError('The "mode" argument should be "text" or "binary".')
        _, data = self._ready() or await self._receive_data()
        return json.loads(data.decode("utf-8"))

    async def iter_text(self) -> AsyncIterator[str]:
        try:
            while True:
                yield await self.receive_text()
        except WebSocketDisconnect:
            pass

    async def iter_bytes(self) -> AsyncIterator[bytes]:
        try:
            while True:
                yield await self.receive_bytes()
        except WebSocketDisconnect:
            pass

    async def iter_json(self) -> AsyncIterator[Any]:
        try:
            while True:
                yield await self.receive_json()
        except WebSocketDisconnect:
            pass
