"""Broadcast channels for WebSockets: `app.channel("room")`, then `subscribe(websocket)` and
`publish(message)`.

The host keeps the subscriber lists and fans a published message out to every subscriber's
connection itself, without entering Python once per subscriber. Channels are shared by the
whole process: a message published in one interpreter reaches subscribers served by all of
them. A subscriber that falls more than a few MiB behind is closed with 1008 rather than
making the publisher wait or the server buffer without bound.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ._stream import OP_PUBLISH, OP_SUBSCRIBE, OP_UNSUBSCRIBE

if TYPE_CHECKING:
    from .websockets import WebSocket

try:
    import _fasterapi
except ImportError:  # outside the host
    _fasterapi = None


class Channel:
    """A named broadcast group of WebSocket connections."""

    def __init__(self, name: str) -> None:
        if not name or "\0" in name:
            raise ValueError("a channel name must be a non-empty string without NUL")
        self.name = name
        self._key = name.encode("utf-8")

    def subscribe(self, websocket: WebSocket) -> None:
        """Deliver this channel's messages to an accepted WebSocket until it closes or
        unsubscribes."""
        from .websockets import WebSocketState

        if websocket.application_state is not WebSocketState.CONNECTED:
            raise RuntimeError("subscribe() needs an accepted WebSocket: call accept() first")
        websocket._send(OP_SUBSCRIBE, 0, self._key)

    def unsubscribe(self, websocket: WebSocket) -> None:
        websocket._send(OP_UNSUBSCRIBE, 0, self._key)

    def publish(self, message: str | bytes | Any) -> int:
        """Send a message to every subscriber: str as text, bytes as binary, anything else as
        JSON text. Returns how many subscribers it reached. Never waits."""
        if _fasterapi is None:
            raise RuntimeError("channels are served by the FasterAPI host (`fasterapi serve`)")
        if isinstance(message, (bytes, bytearray, memoryview)):
            text, payload = 0, bytes(message)
        else:
            if not isinstance(message, str):
                message = json.dumps(message, separators=(",", ":"), ensure_ascii=False)
            text, payload = 1, message.encode("utf-8")
        reached: int = _fasterapi.send(0, OP_PUBLISH, text, self._key + b"\0" + payload)
        return reached

    def __repr__(self) -> str:
        return f"<Channel {self.name!r}>"
