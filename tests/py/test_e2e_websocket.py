"""WebSocket endpoints against a live server, driven by the `websockets` client from PyPI and
by raw sockets for what a well-behaved client never sends."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import signal
import socket
import struct
import time

import pytest
from e2e_support import APPS_DIR, app_fixtures
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from fasterapi.testing import LiveServer

MAX_SIZE = 1 << 20


fasterapi_app, fasterapi_app_dir, fasterapi_server_args = app_fixtures(
    "stream_app:app", "--workers", "1", "--ws-max-size", str(MAX_SIZE))


def ws_url(server: LiveServer, path: str) -> str:
    return server.url.replace("http://", "ws://") + path


def test_echo_text_binary_and_large(live_server: LiveServer) -> None:
    with connect(ws_url(live_server, "/ws/echo")) as ws:
        ws.send("hello")
        assert ws.recv() == "hello"
        ws.send(b"\x00\x01\xff")
        assert ws.recv() == b"\x00\x01\xff"
        big = "é" * 300_000
        ws.send(big)
        assert ws.recv() == big


def test_parameters_dependencies_subprotocol_and_close_code(live_server: LiveServer) -> None:
    url = ws_url(live_server, "/ws/rooms/blue?prefix=team")
    with connect(url, subprotocols=["chat"]) as ws:  # type: ignore[list-item]
        assert ws.subprotocol == "chat"
        assert ws.response.headers["x-room"] == "team:blue"
        assert json.loads(ws.recv()) == {"room": "blue", "name": "team:blue", "client": "CONNECTED"}
        ws.send(json.dumps({"a": [1, 2]}))
        assert json.loads(ws.recv()) == {"got": {"a": [1, 2]}}
        ws.close()
    with connect(url) as ws:
        ws.recv()
        ws.send("not json")  # the handler's iter_json raises: after accept that is 1011
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1011


def test_handler_close_code_and_reason_reach_the_client(live_server: LiveServer) -> None:
    with connect(ws_url(live_server, "/ws/rooms/red")) as ws:
        ws.recv()
        # iter_json ends when the client closes; the handler then closes with 4000 "bye",
        # but the client's close came first, so the client sees its own code echoed.
        ws.close(code=1000)
        assert ws.close_code == 1000


def test_closing_before_accept_is_a_403(live_server: LiveServer) -> None:
    for path in ("/ws/reject", "/ws/rooms/x?token=bad"):
        with pytest.raises(InvalidStatus) as refused:
            connect(ws_url(live_server, path))
        assert refused.value.response.status_code == 403


def test_websocket_exception_closes_with_its_code(live_server: LiveServer) -> None:
    with pytest.raises(InvalidStatus) as refused:
        connect(ws_url(live_server, "/ws/policy"))
    assert refused.value.response.status_code == 403
    with connect(ws_url(live_server, "/ws/policy?accept=true")) as ws:
        with pytest.raises(ConnectionClosed):
            ws.recv()
        assert (ws.close_code, ws.close_reason) == (4401, "token expired")


def test_path_without_websocket_route_is_a_403_naming_the_problem(live_server: LiveServer) -> None:
    with pytest.raises(InvalidStatus) as refused:
        connect(ws_url(live_server, "/plain"))
    assert refused.value.response.status_code == 403
    assert json.loads(refused.value.response.body) == {
        "detail": "no WebSocket route matches this path"}


def test_validation_error_before_accept_is_a_403(live_server: LiveServer) -> None:
    with pytest.raises(InvalidStatus) as refused:
        connect(ws_url(live_server, "/ws/flood?count=many"))
    assert refused.value.response.status_code == 403


def test_handler_crash_before_accept_is_500_after_accept_1011(live_server: LiveServer) -> None:
    with pytest.raises(InvalidStatus) as refused:
        connect(ws_url(live_server, "/ws/crash"))
    assert refused.value.response.status_code == 500
    with connect(ws_url(live_server, "/ws/crash?after_accept=true")) as ws:
        ws.send("go")
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1011
    assert "boom in a websocket handler" in live_server.stderr_text()
    with connect(ws_url(live_server, "/ws/echo")) as ws:  # still serving
        ws.send("alive")
        assert ws.recv() == "alive"


def test_every_message_arrives_before_the_close(live_server: LiveServer) -> None:
    with connect(ws_url(live_server, "/ws/flood?count=60&size=100000"), max_size=None) as ws:
        received = 0
        with pytest.raises(ConnectionClosed):
            while True:
                received += len(ws.recv())
        assert received == 60 * 100_000
        assert ws.close_code == 1000


def test_permessage_deflate_is_negotiated(live_server: LiveServer) -> None:
    with connect(ws_url(live_server, "/ws/echo")) as ws:  # the client offers it by default
        assert "permessage-deflate" in ws.response.headers.get("sec-websocket-extensions", "")
        text = "compress me " * 5000
        ws.send(text)
        assert ws.recv() == text


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def test_a_client_that_does_not_read_does_not_grow_server_memory(live_server: LiveServer) -> None:
    pid = live_server.process.pid
    with connect(ws_url(live_server, "/ws/flood?count=200&size=1000000"), max_size=None,
                 compression=None, max_queue=1) as ws:
        before = rss_kib(pid)
        # 200 MB are to be sent; the client reads nothing for a while.
        time.sleep(1.5)
        grown = rss_kib(pid) - before
        assert grown < 64 * 1024, f"server RSS grew by {grown} KiB for a client that does not read"
        received = 0
        with pytest.raises(ConnectionClosed):
            while True:
                received += len(ws.recv())
        assert received == 200 * 1_000_000


# ---- protocol violations, from a raw socket --------------------------------------------------

def handshake(server: LiveServer, path: str = "/ws/echo", extra: str = "") -> socket.socket:
    sock = socket.create_connection((live_host(server), live_port(server)), timeout=15)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET {path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                  f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                  f"Sec-WebSocket-Version: 13\r\n{extra}\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(4096)
    assert head.startswith(b"HTTP/1.1 101"), head
    return sock


def live_host(server: LiveServer) -> str:
    return server.host


def live_port(server: LiveServer) -> int:
    return server.port


def frame(opcode: int, payload: bytes, *, fin: bool = True, mask: bool = True) -> bytes:
    head = bytes([(0x80 if fin else 0) | opcode])
    length = len(payload)
    mask_bit = 0x80 if mask else 0
    if length < 126:
        head += bytes([mask_bit | length])
    elif length < 1 << 16:
        head += bytes([mask_bit | 126]) + struct.pack("!H", length)
    else:
        head += bytes([mask_bit | 127]) + struct.pack("!Q", length)
    if not mask:
        return head + payload
    key = os.urandom(4)
    return head + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


def close_code_in(data: bytes) -> int | None:
    """The status of the first Close frame in data, after any data frames; None if incomplete."""
    pos = 0
    while pos + 2 <= len(data):
        opcode = data[pos] & 0x0F
        length = data[pos + 1] & 0x7F
        pos += 2
        if length == 126:
            length = struct.unpack("!H", data[pos:pos + 2])[0]
            pos += 2
        elif length == 127:
            length = struct.unpack("!Q", data[pos:pos + 8])[0]
            pos += 8
        if opcode == 0x8 and pos + 2 <= len(data):
            code: int = struct.unpack("!H", data[pos:pos + 2])[0]
            return code
        pos += length
    return None


def read_close_code(sock: socket.socket) -> int:
    data = b""
    while (code := close_code_in(data)) is None:
        chunk = sock.recv(65536)
        assert chunk, f"connection closed without a Close frame after {data!r}"
        data += chunk
    return code


@pytest.mark.parametrize(("frames", "code"), [
    ([frame(0x1, b"unmasked", mask=False)], 1002),             # RFC 6455 §5.1
    ([frame(0x1, b"\xff\xfe")], 1007),                         # invalid UTF-8, §8.1
    ([frame(0x1, "é".encode()[:1], fin=False), frame(0x0, "é".encode()[1:])], None),
    ([frame(0x2, b"x" * (MAX_SIZE + 1))], 1009),               # --ws-max-size
    ([frame(0x9, b"x" * 126)], 1002),                          # control frame > 125 bytes, §5.5
    ([frame(0x3, b"reserved opcode")], 1002),                  # §5.2
])
def test_protocol_violations_close_with_the_rfc_code(live_server: LiveServer, frames: list[bytes],
                                                      code: int | None) -> None:
    sock = handshake(live_server)
    with sock:
        sock.sendall(b"".join(frames))
        if code is None:  # a character split over two fragments is valid: echoed back whole
            sock.sendall(frame(0x8, struct.pack("!H", 1000)))
            assert read_close_code(sock) == 1000
        else:
            assert read_close_code(sock) == code


def test_ping_is_answered_with_pong_between_fragments(live_server: LiveServer) -> None:
    sock = handshake(live_server)
    with sock:
        sock.sendall(frame(0x1, b"hel", fin=False) + frame(0x9, b"are you there")
                     + frame(0x0, b"lo"))
        data = b""
        while len(data) < 2 + 13 + 2 + 5:
            data += sock.recv(4096)
        assert data[:2] == bytes([0x8A, 13]) and data[2:15] == b"are you there"
        assert data[15:17] == bytes([0x81, 5]) and data[17:22] == b"hello"


def test_bad_handshakes_get_clear_http_errors(live_server: LiveServer) -> None:
    cases = [
        ("Sec-WebSocket-Version: 13\r\n", 400),               # no key
        ("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n", 426),
    ]
    for headers, status in cases:
        with socket.create_connection((live_server.host, live_server.port), timeout=5) as sock:
            sock.sendall((f"GET /ws/echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                          f"Connection: Upgrade\r\n{headers}\r\n").encode())
            answer = b""
            while True:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                answer += chunk
        assert answer.startswith(f"HTTP/1.1 {status} ".encode()), answer
        assert b'{"detail":' in answer


def test_keep_alive_drops_a_peer_that_never_answers_pings() -> None:
    server = LiveServer("stream_app:app", str(APPS_DIR), extra_args=[
        "--workers", "1", "--ws-ping-interval", "0.2", "--ws-ping-timeout", "0.3"])
    server.start()
    try:
        sock = handshake(server)
        with sock:
            start = time.monotonic()
            data = b""
            while chunk := sock.recv(4096):  # read, but never answer the pings
                data += chunk
            assert data.startswith(b"\x89\x00"), data  # an empty Ping came first
            assert time.monotonic() - start < 5
        with connect(ws_url(server, "/ws/echo")) as ws:  # a client that answers stays
            time.sleep(0.8)
            ws.send("still here")
            assert ws.recv() == "still here"
    finally:
        server.close()


def test_shutdown_closes_open_websockets_with_1012() -> None:
    server = LiveServer("stream_app:app", str(APPS_DIR), extra_args=["--workers", "1"])
    server.start()
    try:
        with connect(ws_url(server, "/ws/echo")) as ws:
            ws.send("hi")
            assert ws.recv() == "hi"
            start = time.monotonic()
            server.process.send_signal(signal.SIGTERM)
            with pytest.raises(ConnectionClosed):
                ws.recv()
            assert ws.close_code == 1012
        assert server.process.wait(timeout=10) == 0
        assert time.monotonic() - start < 5  # not held until the graceful timeout
    finally:
        server.close()


def test_channel_broadcasts_to_every_subscriber_across_interpreters() -> None:
    # Two interpreters: the chat handlers and the HTTP publisher may run in different ones.
    server = LiveServer("stream_app:app", str(APPS_DIR), extra_args=["--workers", "2"])
    server.start()
    try:
        with contextlib.ExitStack() as stack:
            members = [stack.enter_context(connect(ws_url(server, "/ws/chat/lobby")))
                       for _ in range(4)]
            other_room = stack.enter_context(connect(ws_url(server, "/ws/chat/elsewhere")))
            time.sleep(0.2)  # the subscriptions are made after accept
            members[0].send("hello all")
            assert [m.recv(timeout=5) for m in members] == ["hello all"] * 4
            for _ in range(3):  # HTTP handlers on either interpreter reach the same members
                reached = httpx_post(server, "/publish/lobby", {"n": 1})
                assert reached == {"reached": 4}
                assert [json.loads(m.recv(timeout=5)) for m in members] == [{"n": 1}] * 4
            members[3].send("leave")
            assert members[3].recv(timeout=5) == "left"
            assert httpx_post(server, "/publish/lobby", {"n": 2}) == {"reached": 3}
            members[1].close()
            assert [m.recv(timeout=5) for m in (members[0], members[2])] == [
                '{"n":2}', '{"n":2}']
            assert [m.recv(timeout=5) for m in (members[0], members[2])] == [
                "someone left lobby"] * 2
            with pytest.raises(TimeoutError):
                other_room.recv(timeout=0.3)
    finally:
        server.close()


def httpx_post(server: LiveServer, path: str, body: object) -> object:
    import httpx

    return httpx.post(server.url + path, json=body, timeout=5).json()


IDLE_CONNECTIONS = 10_000


def test_ten_thousand_idle_websockets_cost_little_memory() -> None:
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = IDLE_CONNECTIONS + 500
    if hard != resource.RLIM_INFINITY and hard < wanted:
        pytest.skip(f"the file descriptor limit ({hard}) is below {wanted}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    server = LiveServer("stream_app:app", str(APPS_DIR), extra_args=["--workers", "1"])
    server.start()
    sockets: list[socket.socket] = []
    try:
        before = rss_kib(server.process.pid)
        request = (b"GET /ws/echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                   b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                   b"Sec-WebSocket-Version: 13\r\n\r\n")
        for _ in range(IDLE_CONNECTIONS):
            sock = socket.create_connection((server.host, server.port), timeout=30)
            sock.sendall(request)
            sockets.append(sock)
        for sock in sockets:
            head = b""
            while b"\r\n\r\n" not in head:
                head += sock.recv(4096)
            assert head.startswith(b"HTTP/1.1 101"), head
        per_connection = (rss_kib(server.process.pid) - before) / IDLE_CONNECTIONS
        # Measured 7.3 KiB (Go session, WebSocket state, the handler's coroutine and queue).
        assert per_connection < 24, f"{per_connection:.1f} KiB per idle WebSocket"
        with connect(ws_url(server, "/ws/echo")) as ws:  # and it still answers
            ws.send("busy?")
            assert ws.recv() == "busy?"
    finally:
        for sock in sockets:
            sock.close()
        server.close()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


@pytest.mark.parametrize(("offer", "expected"), [
    # The server keeps no compression context between messages (RFC 7692 §7.1.1.1), which it
    # may answer unasked, and honours the client's window size and context choices.
    ("permessage-deflate", "permessage-deflate; server_no_context_takeover"),
    ("permessage-deflate; client_max_window_bits=10; client_no_context_takeover",
     "client_no_context_takeover"),
    ("permessage-deflate; server_max_window_bits=9", "server_max_window_bits=9"),
    ("x-unknown-extension", None),
])
def test_permessage_deflate_parameters(live_server: LiveServer, offer: str,
                                       expected: str | None) -> None:
    sock = socket.create_connection((live_server.host, live_server.port), timeout=15)
    with sock:
        sock.sendall((f"GET /ws/echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                      f"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                      f"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: {offer}\r\n\r\n"
                      ).encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += sock.recv(4096)
    lines = head.decode().lower().split("\r\n")
    extensions = [line.split(":", 1)[1].strip() for line in lines
                  if line.startswith("sec-websocket-extensions:")]
    if expected is None:
        assert extensions == []
    else:
        assert len(extensions) == 1 and expected in extensions[0], extensions


def test_failed_connection_closes_soon_after_the_peer_answers_its_close(
        live_server: LiveServer) -> None:
    sock = handshake(live_server)
    with sock:
        sock.sendall(frame(0x1, b"unmasked", mask=False))
        assert read_close_code(sock) == 1002
        start = time.monotonic()
        sock.sendall(frame(0x8, struct.pack("!H", 1002)))  # the client's Close, as RFC 6455 wants
        while sock.recv(4096):  # then the server closes the TCP connection (§7.1.1)
            pass
        assert time.monotonic() - start < 1.5  # not the whole 2 s linger
