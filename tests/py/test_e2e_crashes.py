"""Handlers that raise BaseExceptions (KeyboardInterrupt, SystemExit): uvicorn answers 500,
logs the traceback and keeps serving, so the server must too. Each test gets a fresh server
with one interpreter, since a failure here can take the server down."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import httpx
import pytest
from e2e_support import APPS_DIR, wait_for_output

from fasterapi.testing import LiveServer

# Short: in the failure modes seen so far a request either gets an answer at once or never.
TIMEOUT = 2.0


@pytest.fixture
def server() -> Iterator[LiveServer]:
    with LiveServer("crash_app:app", str(APPS_DIR), extra_args=["--workers", "1"]) as live:
        yield live


def get(server: LiveServer, path: str) -> httpx.Response:
    return httpx.get(server.url + path, timeout=TIMEOUT)


def check_500_then_alive(server: LiveServer, path: str, async_after: bool = False) -> None:
    response = get(server, path)
    assert (response.status_code, response.content) == (500, b"Internal Server Error")
    assert server.process is not None and server.process.poll() is None, "the server exited"
    assert get(server, "/ok").json() == {"ok": True}
    if async_after:
        assert get(server, "/async-ok").json() == {"async_ok": True}


def test_keyboard_interrupt_in_a_handler_is_a_500(server: LiveServer) -> None:
    check_500_then_alive(server, "/keyboard-interrupt", async_after=True)
    stderr = wait_for_output(server.stderr_text, "KeyboardInterrupt")
    assert "Traceback (most recent call last)" in stderr and "KeyboardInterrupt" in stderr


def test_system_exit_in_a_handler_is_a_500(server: LiveServer) -> None:
    check_500_then_alive(server, "/system-exit")


def test_system_exit_in_an_async_handler_is_a_500(server: LiveServer) -> None:
    check_500_then_alive(server, "/system-exit-async")


def test_async_handlers_still_answer_after_a_system_exit(server: LiveServer) -> None:
    with contextlib.suppress(httpx.HTTPError):  # its outcome has its own test above
        get(server, "/system-exit-async")
    assert get(server, "/ok").json() == {"ok": True}
    assert get(server, "/async-ok").json() == {"async_ok": True}
