"""`TestClient.websocket_connect`: Starlette's WebSocket test session over a real connection.

The session speaks to the live server with the `websockets` package's synchronous client
(`pip install websockets`) and offers the methods of Starlette's `WebSocketTestSession`, so
FastAPI tests port unchanged:

    with client.websocket_connect("/ws") as websocket:
        websocket.send_text("hello")
        assert websocket.receive_text() == "hello"

What the server does when it closes (or refuses the handshake) arrives as in Starlette:
`receive_*` raise `WebSocketDisconnect` with the close code and reason, and so does entering
the session when the app closed before accepting (the server's 403).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from types import TracebackType
from typing import Any, Literal

from .websockets import WebSocketDisconnect

OPEN_TIMEOUT = 10.0


def _import_client() -> Any:
    try:
        from websockets.sync import client
    except ImportError:
        raise ImportError("TestClient.websocket_connect needs the websockets package: "
                          "pip install websockets") from None
    return client


class WebSocketTestSession:
    """One WebSocket connection to the app under test (see the module docs)."""

    __test__ = False  # not a test class for pytest

    def __init__(self, url: str, subprotocols: Sequence[str] | None,
                 headers: Mapping[str, str] | Sequence[tuple[str, str]] | None,
                 server_output: Any) -> None:
        self._url = url
        self._subprotocols = list(subprotocols or []) or None
        self._headers = headers
        self._server_output = server_output
        self._connection: Any = None
        self._stack = ExitStack()
        self.accepted_subprotocol: str | None = None
        # The accept's extra header fields, as Starlette gives them: (name, value) bytes.
        self.extra_headers: list[tuple[bytes, bytes]] = []

    # ---- the connection ----------------------------------------------------------------

    def __enter__(self) -> WebSocketTestSession:
        client = _import_client()
        from websockets.exceptions import InvalidStatus

        try:
            self._connection = self._stack.enter_context(client.connect(
                self._url, subprotocols=self._subprotocols, additional_headers=self._headers,
                open_timeout=OPEN_TIMEOUT, max_size=None))
        except InvalidStatus as exc:
            status = exc.response.status_code
            if status == 403:
                # What a close before accept becomes on the wire (Starlette's test session
                # raises the close's code; the server does not send it, so 1000).
                raise WebSocketDisconnect(1000) from None
            raise RuntimeError(
                f"the server answered the WebSocket handshake to {self._url} with HTTP "
                f"{status}; its log ends:\n{self._server_output()[-3000:]}") from None
        response = self._connection.response
        self.accepted_subprotocol = self._connection.subprotocol
        hop_by_hop = {"upgrade", "connection", "sec-websocket-accept",
                      "sec-websocket-protocol", "sec-websocket-extensions", "date", "server"}
        self.extra_headers = [(name.lower().encode("latin-1"), value.encode("latin-1"))
                              for name, value in response.headers.raw_items()
                              if name.lower() not in hop_by_hop]
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def _open(self) -> Any:
        if self._connection is None:
            raise RuntimeError("use the session in a `with client.websocket_connect(...) as "
                               "websocket:` block")
        return self._connection

    # ---- sending -------------------------------------------------------------------------

    def send(self, message: Mapping[str, Any]) -> None:
        """Send an ASGI message: {"type": "websocket.receive", "text" or "bytes": ...}, or
        {"type": "websocket.disconnect", "code": ...} to close."""
        if message.get("type") == "websocket.disconnect":
            self.close(message.get("code", 1000), message.get("reason"))
        elif message.get("text") is not None:
            self.send_text(message["text"])
        elif message.get("bytes") is not None:
            self.send_bytes(message["bytes"])
        else:
            raise ValueError(f"not a WebSocket message to send: {dict(message)!r}")

    def send_text(self, data: str) -> None:
        self._open().send(data)

    def send_bytes(self, data: bytes) -> None:
        self._open().send(bytes(data))

    def send_json(self, data: Any, mode: Literal["text", "binary"] = "text") -> None:
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
        if mode == "text":
            self.send_text(text)
        else:
            self.send_bytes(text.encode("utf-8"))

    def close(self, code: int = 1000, reason: str | None = None) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close(code, reason or "")
            self._stack.close()

    # ---- receiving -----------------------------------------------------------------------

    def receive(self) -> dict[str, Any]:
        """The next ASGI message: {"type": "websocket.send", "text" or "bytes": ...}, or
        {"type": "websocket.close", "code": ..., "reason": ...} once the server closed."""
        from websockets.exceptions import ConnectionClosed

        try:
            data = self._open().recv()
        except ConnectionClosed as closed:
            frame = closed.rcvd
            code, reason = (frame.code, frame.reason) if frame is not None else (1006, "")
            return {"type": "websocket.close", "code": code, "reason": reason}
        if isinstance(data, str):
            return {"type": "websocket.send", "text": data}
        return {"type": "websocket.send", "bytes": bytes(data)}

    def _receive_data(self) -> dict[str, Any]:
        message = self.receive()
        if message["type"] == "websocket.close":
            raise WebSocketDisconnect(message["code"], message.get("reason"))
        return message

    def receive_text(self) -> str:
        message = self._receive_data()
        if "text" not in message:
            raise TypeError("expected a text message, got a binary one")
        text: str = message["text"]
        return text

    def receive_bytes(self) -> bytes:
        message = self._receive_data()
        if "bytes" not in message:
            raise TypeError("expected a binary message, got a text one")
        data: bytes = message["bytes"]
        return data

    def receive_json(self, mode: Literal["text", "binary"] = "text") -> Any:
        message = self._receive_data()
        return json.loads(message["text"] if mode == "text" else message["bytes"])
