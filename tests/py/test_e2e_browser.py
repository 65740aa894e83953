"""A real browser against a live server: headless Chromium loads the page of
tests/apps/browser_app.py, whose script talks WebSocket and EventSource to the server and
writes what it saw into the DOM, which the test reads once the page says it is done."""

from __future__ import annotations

import html
import re
import shutil

import pytest
from browser_support import PageTimeout, page_dom_when
from e2e_support import app_fixtures, handlers_seen

from fasterapi.testing import LiveServer

# Wall-clock seconds the page gets for both exchanges (it needs well under one).
PAGE_TIMEOUT = 30.0

logs: dict[str, str] = {}


fasterapi_app, fasterapi_app_dir, fasterapi_server_args = app_fixtures(
    "browser_app:app", "--workers", "1")


@pytest.fixture(scope="module")
def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.skip("chromium is not installed: scripts/setup.sh (make setup) installs it")
    return path


@pytest.fixture(scope="module")
def dom(chromium: str, live_server: LiveServer) -> str:
    """The page's DOM once its script finished (or as it was when time ran out: the tests
    then say what is missing)."""
    chromium_log: list[str] = []
    try:
        page = page_dom_when(chromium, live_server.url + "/",
                             'document.getElementById("status").textContent === "done"',
                             PAGE_TIMEOUT, chromium_log)
    except PageTimeout as timeout:
        page = timeout.dom
    # Kept for the failure messages: what went wrong is often in one of the two logs.
    logs[live_server.url] = (f"chromium's stderr:\n{''.join(chromium_log)}\n"
                             f"server's stderr:\n{live_server.stderr_text()[-4000:]}")
    return page


def element_text(dom: str, element_id: str) -> str:
    match = re.search(rf'<(\w+) id="{element_id}">(.*?)</\1>', dom, re.DOTALL)
    assert match, f"no #{element_id} in the DOM:\n{dom}"
    return html.unescape(match.group(2))


def test_page_finished_both_exchanges(dom: str, live_server: LiveServer) -> None:
    assert element_text(dom, "status") == "done", f"{dom}\n{logs[live_server.url]}"


def test_websocket_echo_subprotocol_deflate_and_close(dom: str) -> None:
    lines = element_text(dom, "ws").splitlines()
    assert lines[0].startswith("open protocol=chat extensions=permessage-deflate"), lines
    # Chromium's close code comes back in the server's Close frame; the reason is the
    # server's own (empty): RFC 6455 §5.5.1 has it echo the code, not the reason.
    assert lines[1:] == ["text héllo from chromium", "binary 0,1,255", "close 4001  clean=true"]


def test_event_source_reconnects_with_last_event_id(dom: str, live_server: LiveServer) -> None:
    lines = element_text(dom, "sse").splitlines()
    # Three events, the server ends the response, the browser reconnects by itself after the
    # `retry:` delay and the handler resumes after the last id the browser got.
    assert lines == [
        "open",
        *(f'event id={i} data={{"n":{i},"after":null}}' for i in (1, 2, 3)),
        "reconnecting",
        "open",
        *(f'event id={i} data={{"n":{i},"after":"3"}}' for i in (4, 5, 6)),
    ]
    assert handlers_seen(live_server, 1)["last_event_ids"] == [None, "3"]


def test_websocket_close_code_reaches_the_handler(dom: str, live_server: LiveServer) -> None:
    assert [code for code, _ in handlers_seen(live_server, 1)["close_codes"]] == [4001]
    assert handlers_seen(live_server, 1)["subprotocols"] == ["chat"]


def test_websocket_close_reason_reaches_the_handler(dom: str, live_server: LiveServer) -> None:
    assert handlers_seen(live_server, 1)["close_codes"] == [[4001, "page done"]]
