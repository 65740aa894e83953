"""Driving headless Chromium over the DevTools protocol: load a page, wait in wall-clock time
until its script says it is done, and read its DOM.

`--dump-dom` with a virtual time budget would be simpler, but virtual time does not wait for
WebSocket traffic: when a page only waits on a WebSocket (its close handshake, say), the
budget runs out at once and the DOM is dumped before the page finished. Polling the page
itself has no such race.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from websockets.sync.client import ClientConnection, connect

STARTUP_TIMEOUT = 30.0


class PageTimeout(AssertionError):
    """The page did not reach the awaited state in time; carries its DOM as it was."""

    def __init__(self, message: str, dom: str) -> None:
        super().__init__(f"{message}\n{dom}")
        self.dom = dom


class _Page:
    def __init__(self, socket: ClientConnection) -> None:
        self._socket = socket
        self._ids = itertools.count(1)

    def evaluate(self, expression: str) -> Any:
        call_id = next(self._ids)
        self._socket.send(json.dumps({"id": call_id, "method": "Runtime.evaluate",
                                      "params": {"expression": expression,
                                                 "returnByValue": True}}))
        while True:  # events the page sends meanwhile are skipped
            answer = json.loads(self._socket.recv(timeout=STARTUP_TIMEOUT))
            if answer.get("id") == call_id:
                break
        if "error" in answer or "exceptionDetails" in answer["result"]:
            raise RuntimeError(f"evaluating {expression!r} failed: {answer}")
        return answer["result"]["result"].get("value")


def page_dom_when(chromium: str, url: str, done_expression: str, timeout: float,
                  log: list[str]) -> str:
    """Load `url` in headless Chromium and return its DOM once `done_expression` (JavaScript)
    is true; PageTimeout when it is not within `timeout` seconds. Chromium's stderr is
    appended to `log`."""
    # Chromium's helper processes may still be writing the profile when it goes away.
    with tempfile.TemporaryDirectory(prefix="fasterapi-chromium-",
                                     ignore_cleanup_errors=True) as profile:
        # Chromium writes its profile, caches and crash reports here, not in the user's home.
        env = {**os.environ, "HOME": profile, "XDG_CONFIG_HOME": profile,
               "XDG_CACHE_HOME": profile, "TMPDIR": profile}
        stderr_path = Path(profile) / "stderr.txt"
        with stderr_path.open("wb") as stderr:
            browser = subprocess.Popen(
                [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-extensions",
                 "--remote-debugging-port=0", f"--user-data-dir={profile}", url],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr, env=env,
                start_new_session=True)  # its own process group, killed whole below
        try:
            page = _open_page(Path(profile), url)
            with page:
                return _poll(_Page(page), done_expression, timeout)
        finally:
            os.killpg(browser.pid, signal.SIGKILL)
            browser.wait()
            log.append(stderr_path.read_text(errors="replace")[-4000:])


def _open_page(profile: Path, url: str) -> ClientConnection:
    port_file = profile / "DevToolsActivePort"
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while True:
        lines = port_file.read_text().split() if port_file.exists() else []
        if lines:
            port = int(lines[0])
            targets = httpx.get(f"http://127.0.0.1:{port}/json/list", timeout=5).json()
            pages = [t for t in targets if t.get("type") == "page" and t.get("url") == url]
            if pages:
                return connect(pages[0]["webSocketDebuggerUrl"], max_size=None,
                               open_timeout=STARTUP_TIMEOUT)
        if time.monotonic() > deadline:
            raise AssertionError(f"chromium did not open {url} within {STARTUP_TIMEOUT} s")
        time.sleep(0.1)


def _poll(page: _Page, done_expression: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    # False, not an error, while the page is still loading (its elements are not there yet).
    check = f"(() => {{ try {{ return Boolean({done_expression}); }} catch {{ return false; }} }})()"
    while not page.evaluate(check):
        if time.monotonic() > deadline:
            raise PageTimeout(f"the page did not reach `{done_expression}` in {timeout} s",
                              str(page.evaluate("document.documentElement.outerHTML")))
        time.sleep(0.05)
    return str(page.evaluate("document.documentElement.outerHTML"))
