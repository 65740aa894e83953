"""BackgroundTasks and `background=` against a live server: they run after the answer, in
order, and one that raises is logged without stopping the others."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from e2e_support import app_fixtures

from fasterapi.testing import LiveServer

# One interpreter: one log.
fasterapi_app, fasterapi_app_dir, fasterapi_server_args = app_fixtures(
    "tasks_app:app", "--workers", "1")


@pytest.fixture
def client(live_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.url, timeout=10) as c:
        c.delete("/log")
        yield c


def log_when(client: httpx.Client, count: int) -> list[str]:
    deadline = time.monotonic() + 5
    while True:
        log: list[str] = client.get("/log").json()
        if len(log) >= count or time.monotonic() > deadline:
            return log
        time.sleep(0.02)


def test_tasks_from_handler_and_dependency_run_in_order(client: httpx.Client,
                                                        live_server: LiveServer) -> None:
    response = client.post("/send/bob", params={"who": "alice"})
    assert response.json() == {"queued": "bob", "by": "alice"}
    assert log_when(client, 3) == ["audit alice", "sync to bob", "async to bob"]
    assert "a background task failed" in live_server.stderr_text()


def test_async_handler_tasks(client: httpx.Client) -> None:
    assert client.post("/async-send").json() == {"ok": True}
    assert log_when(client, 1) == ["from async handler"]


def test_the_client_does_not_wait_for_the_tasks(client: httpx.Client) -> None:
    start = time.monotonic()
    assert client.post("/slow").json() == {"ok": True}
    assert time.monotonic() - start < 0.4
    assert client.get("/log").json() == []
    assert log_when(client, 1) == ["slow done"]


def test_response_background_and_streaming_background(client: httpx.Client) -> None:
    assert client.post("/response-background").text == "sent"
    assert log_when(client, 1) == ["response task"]
    assert client.get("/stream").text == "ab"
    assert log_when(client, 2) == ["response task", "after stream"]
