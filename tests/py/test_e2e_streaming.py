"""StreamingResponse and Server-Sent Events against a live server."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import httpx
import pytest
from e2e_support import app_fixtures

from fasterapi.testing import LiveServer

fasterapi_app, fasterapi_app_dir, fasterapi_server_args = app_fixtures(
    "stream_app:app", "--workers", "1", "--sse-ping-interval", "0.2")


@pytest.fixture(scope="module")
def client(live_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.url, timeout=15) as c:
        yield c


def test_sync_iterator_is_sent_chunked(client: httpx.Client) -> None:
    response = client.get("/stream/sync", params={"n": 4})
    assert response.status_code == 200
    assert response.headers["transfer-encoding"] == "chunked"
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text == "".join(f"piece {i}\n" for i in range(4))


def test_async_pieces_arrive_as_they_are_produced(client: httpx.Client) -> None:
    arrivals: list[float] = []
    with client.stream("GET", "/stream/async", params={"n": 3, "delay": 0.3}) as response:
        assert response.headers["x-stream"] == "yes"
        start = time.monotonic()
        for _ in response.iter_raw():
            arrivals.append(time.monotonic() - start)
    # Not buffered: the first piece is there long before the last one is produced.
    assert len(arrivals) >= 2 and arrivals[-1] - arrivals[0] > 0.3


def test_connection_is_reused_after_a_streamed_response(client: httpx.Client) -> None:
    for _ in range(3):
        assert client.get("/stream/sync", params={"n": 2}).text == "piece 0\npiece 1\n"
        assert client.get("/plain").json() == {"ok": "yes"}


def test_large_stream_arrives_whole(client: httpx.Client) -> None:
    response = client.get("/stream/big", params={"mib": 16})
    assert len(response.content) == 16 << 20


def test_iterator_failure_cuts_the_body_and_the_server_goes_on(
        client: httpx.Client, live_server: LiveServer) -> None:
    with pytest.raises(httpx.RemoteProtocolError):
        client.get("/stream/fail")
    assert "the stream broke" in live_server.stderr_text()
    assert client.get("/plain").status_code == 200


def test_http10_client_gets_a_close_delimited_body(live_server: LiveServer) -> None:
    with socket.create_connection((live_server.host, live_server.port), timeout=5) as sock:
        sock.sendall(b"GET /stream/sync?n=2 HTTP/1.0\r\n\r\n")
        data = b""
        while chunk := sock.recv(4096):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert b"transfer-encoding" not in head.lower() and b"connection: close" in head.lower()
    assert body == b"piece 0\npiece 1\n"


def cancelled(client: httpx.Client, kind: str, tag: str) -> bool:
    """Whether the `kind` ("sse" or "stream") handler of the request tagged `tag` was cancelled."""
    return tag in client.get("/cancelled").json()[kind]


def wait_for(predicate: object, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(predicate) and predicate():
            return True
        time.sleep(0.05)
    return False


def test_client_going_away_cancels_the_stream_generator(client: httpx.Client,
                                                        live_server: LiveServer) -> None:
    # The generator is inside a long await when the client leaves: it must be cancelled and
    # closed cleanly, not closed while still running.
    tag = "generator-in-an-await"
    with client.stream("GET", "/stream/async",
                       params={"n": 10_000, "delay": 0.4, "tag": tag}) as response:
        next(response.iter_raw())
    assert wait_for(lambda: cancelled(client, "stream", tag))
    assert "closing a StreamingResponse" not in live_server.stderr_text()


def test_request_is_disconnected_once_the_client_leaves(client: httpx.Client,
                                                       live_server: LiveServer) -> None:
    assert client.get("/is-disconnected").json() == {"disconnected": False}
    with socket.create_connection((live_server.host, live_server.port), timeout=5) as sock:
        sock.sendall(b"GET /wait-for-disconnect?tag=h1-left HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(0.2)
        assert not cancelled(client, "disconnected", "h1-left")  # still there: still waiting
    assert wait_for(lambda: cancelled(client, "disconnected", "h1-left"))


# ---- Server-Sent Events ------------------------------------------------------------------

def test_event_source_response_format_and_headers(client: httpx.Client) -> None:
    response = client.get("/events", params={"n": 2})
    assert response.headers["content-type"] == "text/event-stream; charset=utf-8"
    assert response.headers["cache-control"] == "no-cache"
    assert response.text == (
        'data: {"n":0}\n\ndata: {"n":1}\n\nevent: end\nid: last\ndata: done\n\n')


def read_events(response: httpx.Response, count: int) -> list[str]:
    events: list[str] = []
    buffer = ""
    for text in response.iter_text():
        buffer += text
        while "\n\n" in buffer:
            event, buffer = buffer.split("\n\n", 1)
            events.append(event)
            if len(events) == count:
                return events
    return events


def test_sse_handler_resumes_after_last_event_id(client: httpx.Client) -> None:
    headers = {"last-event-id": "41"}
    with client.stream("GET", "/sse/ticks", params={"limit": 2}, headers=headers) as response:
        events = read_events(response, 2)
    assert events == ['event: tick\nid: 42\ndata: {"tick":42}',
                      'event: tick\nid: 43\ndata: {"tick":43}']


def test_sse_handler_is_cancelled_when_the_client_leaves(client: httpx.Client,
                                                         live_server: LiveServer) -> None:
    with client.stream("GET", "/sse/ticks", params={"tag": "client-leaves"}) as response:
        read_events(response, 3)
    assert wait_for(lambda: cancelled(client, "sse", "client-leaves"))
    time.sleep(0.1)  # the iterator is closed right after the handler's cancellation
    assert "closing a StreamingResponse" not in live_server.stderr_text()


def test_idle_sse_stream_gets_keep_alive_comments(client: httpx.Client) -> None:
    with client.stream("GET", "/sse/quiet") as response:
        assert read_events(response, 2) == [": ping", ": ping"]


def test_sse_handler_requires_its_connection_parameter() -> None:
    from fasterapi import FastAPI
    from fasterapi.sse import SSEConnection

    app = FastAPI()
    with pytest.raises(TypeError, match="SSEConnection"):
        @app.sse("/x")
        async def no_connection() -> None: ...

    with pytest.raises(TypeError, match="async def"):
        @app.sse("/y")
        def not_async(sse: SSEConnection) -> None: ...
