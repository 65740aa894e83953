"""A streamed response whose generator finishes without ever awaiting: found by headless
Chromium (test_e2e_browser.py), whose EventSource gave up on a reconnect answered with JSON."""

from __future__ import annotations

import http.client

from e2e_support import app_fixtures

from fasterapi.testing import LiveServer

# The bad answer came for about 1 request in 20 (2 cores, Python 3.12 and 3.13): with this
# many requests a fixed server passes, and a broken one all but surely shows the bug.
REQUESTS = 300


fasterapi_app, fasterapi_app_dir, fasterapi_server_args = app_fixtures(
    "stream_app:app", "--workers", "1")


def test_event_stream_that_ends_at_once_is_always_a_stream(live_server: LiveServer) -> None:
    wrong: list[tuple[int, str, bytes]] = []
    for _ in range(REQUESTS):
        conn = http.client.HTTPConnection(live_server.host, live_server.port, timeout=15)
        try:
            conn.request("GET", "/events?n=2", headers={"Accept": "text/event-stream"})
            response = conn.getresponse()
            body = response.read()
        finally:
            conn.close()
        content_type = response.getheader("content-type", "")
        if response.status != 200 or not content_type.startswith("text/event-stream"):
            wrong.append((response.status, content_type, body[:80]))
    assert not wrong, f"{len(wrong)} of {REQUESTS} answers were not an event stream: {wrong[:3]}"
