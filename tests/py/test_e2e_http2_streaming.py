"""Long-lived exchanges over HTTP/2 cleartext: StreamingResponse and SSE with httpx+h2, and
WebSockets bootstrapped with extended CONNECT (RFC 8441) from the `h2` library."""

from __future__ import annotations

import os
import socket
import struct
import time
from collections.abc import Iterator

import h2.config
import h2.connection
import h2.events
import h2.settings
import httpx
import pytest
from e2e_support import APPS_DIR, app_fixtures

from fasterapi.testing import LiveServer

fasterapi_app, fasterapi_app_dir, fasterapi_server_args = app_fixtures(
    "stream_app:app", "--workers", "1", "--sse-ping-interval", "0.2")


@pytest.fixture(scope="module")
def client(live_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.url, http1=False, http2=True, timeout=15) as c:
        yield c


def test_streamed_response_over_h2(client: httpx.Client) -> None:
    response = client.get("/stream/sync", params={"n": 3})
    assert response.http_version == "HTTP/2"
    assert response.text == "piece 0\npiece 1\npiece 2\n"
    assert "content-length" not in response.headers


def test_pieces_arrive_as_produced_over_h2(client: httpx.Client) -> None:
    arrivals: list[float] = []
    with client.stream("GET", "/stream/async", params={"n": 3, "delay": 0.3}) as response:
        start = time.monotonic()
        for _ in response.iter_raw():
            arrivals.append(time.monotonic() - start)
    assert len(arrivals) >= 2 and arrivals[-1] - arrivals[0] > 0.3


def test_large_stream_over_h2_respects_flow_control(client: httpx.Client) -> None:
    assert len(client.get("/stream/big", params={"mib": 8}).content) == 8 << 20


def test_failing_stream_is_reset_over_h2(client: httpx.Client) -> None:
    with pytest.raises(httpx.RemoteProtocolError):
        client.get("/stream/fail")
    assert client.get("/plain").json() == {"ok": "yes"}


def test_sse_over_h2_and_cancel_on_stream_reset(client: httpx.Client,
                                                live_server: LiveServer) -> None:
    response = client.get("/events", params={"n": 1})
    assert response.headers["content-type"] == "text/event-stream; charset=utf-8"
    assert response.text.startswith('data: {"n":0}\n\n')
    # httpx does not reset a stream it stops reading, so the client here is the h2 library.
    sock, conn = h2_get(live_server, "/sse/ticks?tag=h2-reset")
    received = b""
    while b"tick" not in received:
        for event in conn.receive_data(sock.recv(65536)):
            if isinstance(event, h2.events.DataReceived):
                received += event.data
                conn.acknowledge_received_data(event.flow_controlled_length, 1)
    conn.reset_stream(1)
    sock.sendall(conn.data_to_send())
    wait_for_tag(client, "sse", "h2-reset", "the handler was not cancelled by RST_STREAM")
    sock.close()


def test_request_is_disconnected_once_the_h2_connection_closes(
        client: httpx.Client, live_server: LiveServer) -> None:
    sock, _ = h2_get(live_server, "/wait-for-disconnect?tag=h2-left")
    time.sleep(0.2)
    assert "h2-left" not in client.get("/cancelled").json()["disconnected"]
    sock.close()
    wait_for_tag(client, "disconnected", "h2-left", "is_disconnected() stayed false")


def test_request_is_disconnected_once_its_h2_stream_is_reset(
        client: httpx.Client, live_server: LiveServer) -> None:
    sock, conn = h2_get(live_server, "/wait-for-disconnect?tag=h2-reset-wait")
    time.sleep(0.2)
    assert "h2-reset-wait" not in client.get("/cancelled").json()["disconnected"]
    conn.reset_stream(1)  # the connection stays open
    sock.sendall(conn.data_to_send())
    wait_for_tag(client, "disconnected", "h2-reset-wait",
                 "is_disconnected() stayed false after RST_STREAM")
    sock.close()


def h2_get(live_server: LiveServer, path: str) -> tuple[socket.socket, h2.connection.H2Connection]:
    """A new HTTP/2 connection (the h2 library, which can reset a stream and keep the
    connection) that sent GET `path` on stream 1."""
    sock = socket.create_connection((live_server.host, live_server.port), timeout=15)
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
    conn.initiate_connection()
    conn.send_headers(1, [(":method", "GET"), (":scheme", "http"), (":path", path),
                          (":authority", "x")], end_stream=True)
    sock.sendall(conn.data_to_send())
    return sock, conn


def wait_for_tag(client: httpx.Client, kind: str, tag: str, failure: str) -> None:
    """Wait up to 5 s for stream_app to record `tag` under `kind` in /cancelled."""
    deadline = time.monotonic() + 5
    while tag not in client.get("/cancelled").json()[kind]:
        assert time.monotonic() < deadline, failure
        time.sleep(0.05)


# ---- RFC 8441 -------------------------------------------------------------------------------

def masked(opcode: int, payload: bytes) -> bytes:
    key = os.urandom(4)
    head = bytes([0x80 | opcode])
    if len(payload) < 126:
        head += bytes([0x80 | len(payload)])
    else:
        head += bytes([0x80 | 126]) + struct.pack("!H", len(payload))
    return head + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


class H2WebSocket:
    """A WebSocket over one HTTP/2 stream, enough for the tests."""

    def __init__(self, server: LiveServer, path: str, extra: list[tuple[str, str]] = ()) -> None:  # type: ignore[assignment]
        self.sock = socket.create_connection((server.host, server.port), timeout=15)
        self.conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
        self.conn.initiate_connection()
        self.sock.sendall(self.conn.data_to_send())
        self.received = b""
        self.ended = False
        self.status: int | None = None
        self.headers: dict[str, str] = {}
        while not self.conn.remote_settings.get(h2.settings.SettingCodes.ENABLE_CONNECT_PROTOCOL):
            self._pump()
        self.stream = self.conn.get_next_available_stream_id()
        self.conn.send_headers(self.stream, [
            (":method", "CONNECT"), (":protocol", "websocket"), (":scheme", "http"),
            (":path", path), (":authority", f"{server.host}:{server.port}"),
            ("sec-websocket-version", "13"), *extra])
        self.sock.sendall(self.conn.data_to_send())
        while self.status is None:
            self._pump()

    def _pump(self) -> None:
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("server closed the connection")
        for event in self.conn.receive_data(data):
            if isinstance(event, h2.events.ResponseReceived):
                headers = {k.decode(): v.decode() for k, v in event.headers}
                self.status = int(headers[":status"])
                self.headers = headers
            elif isinstance(event, h2.events.DataReceived):
                self.received += event.data
                self.conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            elif isinstance(event, (h2.events.StreamEnded, h2.events.StreamReset)):
                self.ended = True
        self.sock.sendall(self.conn.data_to_send())

    def send(self, frame: bytes) -> None:
        self.conn.send_data(self.stream, frame)
        self.sock.sendall(self.conn.data_to_send())

    def recv_frame(self) -> tuple[int, bytes]:
        while True:
            if len(self.received) >= 2:
                length = self.received[1] & 0x7F
                start = 2
                if length == 126:
                    length = struct.unpack("!H", self.received[2:4])[0]
                    start = 4
                if len(self.received) >= start + length:
                    opcode = self.received[0] & 0x0F
                    payload = self.received[start:start + length]
                    self.received = self.received[start + length:]
                    return opcode, payload
            self._pump()


def test_websocket_over_h2_echo_and_close(live_server: LiveServer) -> None:
    ws = H2WebSocket(live_server, "/ws/echo")
    assert ws.status == 200
    ws.send(masked(0x1, b"over h2"))
    assert ws.recv_frame() == (0x1, b"over h2")
    ws.send(masked(0x2, b"\x00" * 1000))
    assert ws.recv_frame() == (0x2, b"\x00" * 1000)
    ws.send(masked(0x9, b"ping"))
    assert ws.recv_frame() == (0xA, b"ping")
    ws.send(masked(0x8, struct.pack("!H", 1000)))
    opcode, payload = ws.recv_frame()
    assert (opcode, payload[:2]) == (0x8, struct.pack("!H", 1000))
    while not ws.ended:
        ws._pump()
    ws.sock.close()


def test_websocket_over_h2_parameters_and_refusal(live_server: LiveServer) -> None:
    ws = H2WebSocket(live_server, "/ws/rooms/blue?prefix=h2", [("sec-websocket-protocol", "chat")])
    assert ws.status == 200
    assert ws.headers.get("sec-websocket-protocol") == "chat"
    assert ws.headers.get("x-room") == "h2:blue"
    opcode, payload = ws.recv_frame()
    assert opcode == 0x1 and b'"name":"h2:blue"' in payload
    ws.sock.close()
    assert H2WebSocket(live_server, "/ws/reject").status == 403
    assert H2WebSocket(live_server, "/plain").status == 403


def test_websocket_over_h2_joins_channels_with_http1_members(live_server: LiveServer,
                                                             client: httpx.Client) -> None:
    from websockets.sync.client import connect

    h2_member = H2WebSocket(live_server, "/ws/chat/h2room")
    assert h2_member.status == 200
    with connect(f"ws://{live_server.host}:{live_server.port}/ws/chat/h2room") as h1_member:
        deadline = time.monotonic() + 5  # the subscriptions are made after accept
        while (reached := client.post("/publish/h2room", json={"n": 0}).json()) != {"reached": 2}:
            assert time.monotonic() < deadline, reached
            time.sleep(0.05)
        # Each member got the publishes made after it subscribed; what follows comes after.
        h2_member.send(masked(0x1, b"from h2"))
        while (text := h1_member.recv(timeout=5)) != "from h2":
            assert text == '{"n":0}', text
        while (frame := h2_member.recv_frame()) != (0x1, b"from h2"):
            assert frame == (0x1, b'{"n":0}'), frame
        h1_member.send("from h1")
        assert h2_member.recv_frame() == (0x1, b"from h1")
        assert h1_member.recv(timeout=5) == "from h1"  # a publisher that subscribed gets it too
        h2_member.send(masked(0x1, b"leave"))
        assert h2_member.recv_frame() == (0x1, b"left")
        assert client.post("/publish/h2room", json={"n": 1}).json() == {"reached": 1}
        assert h1_member.recv(timeout=5) == '{"n":1}'
    h2_member.sock.close()
    deadline = time.monotonic() + 5  # a stream whose connection closed leaves its channels
    while client.post("/publish/h2room", json={"n": 2}).json() != {"reached": 0}:
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_websocket_over_h2_keep_alive_pings() -> None:
    server = LiveServer("stream_app:app", str(APPS_DIR), extra_args=[
        "--workers", "1", "--ws-ping-interval", "0.2", "--ws-ping-timeout", "0.3"])
    server.start()
    try:
        silent = H2WebSocket(server, "/ws/echo")  # reads, but never answers the Ping
        start = time.monotonic()
        assert silent.recv_frame() == (0x9, b"")  # an empty Ping on the stream
        while not silent.ended:
            silent._pump()
        assert time.monotonic() - start < 5
        # The stream was reset, the connection stays: a new WebSocket on it that answers lives.
        silent.stream = silent.conn.get_next_available_stream_id()
        silent.conn.send_headers(silent.stream, [
            (":method", "CONNECT"), (":protocol", "websocket"), (":scheme", "http"),
            (":path", "/ws/echo"), (":authority", f"{server.host}:{server.port}"),
            ("sec-websocket-version", "13")])
        silent.sock.sendall(silent.conn.data_to_send())
        silent.status, silent.ended, silent.received = None, False, b""
        while silent.status is None:
            silent._pump()
        answered = 0
        deadline = time.monotonic() + 0.9
        while time.monotonic() < deadline:
            opcode, payload = silent.recv_frame()
            assert opcode == 0x9, (opcode, payload)
            silent.send(masked(0xA, payload))
            answered += 1
        assert answered >= 2
        silent.send(masked(0x1, b"still here"))
        while (frame := silent.recv_frame())[0] == 0x9:
            silent.send(masked(0xA, frame[1]))
        assert frame == (0x1, b"still here")
        silent.sock.close()
    finally:
        server.close()
