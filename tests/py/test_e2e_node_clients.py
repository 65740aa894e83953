"""WebSocket endpoints against a live server, driven by Node's `ws` client from npm
(tests/node/ws_client.mjs) instead of a Python one: another implementation's framing,
permessage-deflate and closing handshake."""

from __future__ import annotations

import fcntl
import json
import shutil
import subprocess
from typing import Any

import pytest
from e2e_support import REPO_DIR, app_fixtures, handlers_seen

from fasterapi.testing import LiveServer

NODE_DIR = REPO_DIR / "tests" / "node"
NPM_TIMEOUT = 120.0
CLIENT_TIMEOUT = 30.0


fasterapi_app, fasterapi_app_dir, fasterapi_server_args = app_fixtures(
    "browser_app:app", "--workers", "1")


def pinned_packages_installed() -> bool:
    """Whether node_modules holds exactly the versions package.json pins (a stale tree from an
    older pin would test the wrong client)."""
    pins: dict[str, str] = json.loads((NODE_DIR / "package.json").read_text())["dependencies"]
    for name, version in pins.items():
        manifest = NODE_DIR / "node_modules" / name / "package.json"
        if not manifest.is_file() or json.loads(manifest.read_text())["version"] != version:
            return False
    return True


def install_node_packages(npm: str) -> None:
    # A lock file, so two test runs sharing the checkout never run npm in the same tree at once.
    with (NODE_DIR / ".npm-install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if pinned_packages_installed():
            return
        # `npm ci` installs exactly package-lock.json; no audit or funding calls to slow it down.
        done = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--prefer-offline"],
                              cwd=NODE_DIR, capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=NPM_TIMEOUT, check=False)
        assert done.returncode == 0, f"npm ci failed:\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="module")
def node() -> str:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node and npm are needed for the Node client tests (apt-get install nodejs npm)")
    if not pinned_packages_installed():
        install_node_packages(npm)
    return node


@pytest.fixture(scope="module")
def results(node: str, live_server: LiveServer) -> dict[str, Any]:
    """Everything ws_client.mjs saw, from one run of it (a Node start costs ~0.3 s)."""
    url = live_server.url.replace("http://", "ws://")
    done = subprocess.run([node, str(NODE_DIR / "ws_client.mjs"), url], capture_output=True,
                          text=True, stdin=subprocess.DEVNULL, timeout=CLIENT_TIMEOUT, check=False)
    assert done.returncode == 0, f"ws_client.mjs failed:\n{done.stdout}\n{done.stderr}"
    parsed: dict[str, Any] = json.loads(done.stdout)
    return parsed


def test_text_binary_and_large_messages_echo(results: dict[str, Any]) -> None:
    assert results["echoReplies"] == {"text": "hello from node", "binary": [0, 1, 2, 254, 255],
                                      "bigMatches": True}


def test_permessage_deflate_is_negotiated(results: dict[str, Any]) -> None:
    # ws offers permessage-deflate and reports the extensions it accepted from the 101.
    for name in ("echo", "subprotocol", "goodbye"):
        assert results[name]["extensions"] == "permessage-deflate", results[name]
        header = results[name]["headers"]["sec-websocket-extensions"]
        assert header.split(";")[0] == "permessage-deflate", header


def test_subprotocol_is_chosen_from_the_offer(results: dict[str, Any],
                                              live_server: LiveServer) -> None:
    assert results["subprotocol"]["protocol"] == "chat"
    assert results["subprotocol"]["headers"]["sec-websocket-protocol"] == "chat"
    assert results["echo"]["protocol"] == ""
    assert "sec-websocket-protocol" not in results["echo"]["headers"]
    subprotocols = handlers_seen(live_server, 2)["subprotocols"]
    assert len(subprotocols) == 2 and set(subprotocols) == {"chat", None}


def test_client_close_code_is_echoed_and_reaches_the_handler(results: dict[str, Any],
                                                             live_server: LiveServer) -> None:
    assert results["echo"]["close"]["code"] == 4003
    assert results["subprotocol"]["close"]["code"] == 1000
    codes = sorted(code for code, _ in handlers_seen(live_server, 2)["close_codes"])
    assert codes == [1000, 4003]


def test_client_close_reason_reaches_the_handler(results: dict[str, Any],
                                                 live_server: LiveServer) -> None:
    assert [4003, "node is done"] in handlers_seen(live_server, 2)["close_codes"]


def test_server_close_code_and_reason_reach_the_client(results: dict[str, Any]) -> None:
    assert results["goodbye"]["close"] == {"code": 4002, "reason": "server done"}
