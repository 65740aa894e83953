"""`fasterapi serve` flags and process behaviour: where it listens, where it imports the app
from, what it logs, how it stops, and which Python it embeds (the venv's running pytest)."""

from __future__ import annotations

import os
import signal
import socket
import sys
import sysconfig
import textwrap
from pathlib import Path

import httpx
import pytest
from e2e_support import (
    APPS_DIR,
    PYTHON_VERSION,
    REPO_DIR,
    Connection,
    ServerProcess,
    port_is_free,
    start_line_pattern,
    wait_for_output,
    wait_until_started,
)

from fasterapi.testing import LiveServer


@pytest.fixture(scope="module")
def fasterapi_app() -> str:
    return "serve_app:app"


@pytest.fixture(scope="module")
def fasterapi_app_dir() -> str:
    return str(APPS_DIR)


@pytest.fixture(scope="module")
def fasterapi_server_args() -> list[str]:
    return ["--workers", "2"]


@pytest.fixture(scope="module", autouse=True)
def started(live_server: LiveServer) -> None:
    wait_until_started(live_server)


# ---- the embedded Python is the venv's --------------------------------------------------


def test_every_interpreter_runs_this_venvs_python(live_server: LiveServer) -> None:
    reports = []
    for _ in range(4):  # new connections: round-robin reaches both interpreters
        with Connection(live_server.host, live_server.port) as conn:
            reports.append(conn.get_json("/python"))
    for report in reports:
        assert report["version"] == PYTHON_VERSION
        assert report["hexversion"] == sys.hexversion
        assert report["prefix"] == sys.prefix
        assert Path(report["executable"]).parent == Path(sys.executable).parent
        purelib = Path(sysconfig.get_path("purelib"))
        assert Path(report["fasterapi_file"]).parent == purelib / "fasterapi"


def test_start_line(live_server: LiveServer) -> None:
    pattern = start_line_pattern("127.0.0.1", live_server.port, 2)
    stderr = wait_for_output(live_server.stderr_text, pattern)
    assert pattern.search(stderr), stderr


# ---- --host and --port ------------------------------------------------------------------


def ipv6_loopback_available() -> bool:
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as sock:
            sock.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.mark.parametrize(("host", "url_host", "connect_to"), [
    ("127.0.0.1", "127.0.0.1", "127.0.0.1"),
    ("0.0.0.0", "0.0.0.0", "127.0.0.1"),
    pytest.param("::1", "[::1]", "[::1]", marks=pytest.mark.skipif(
        not ipv6_loopback_available(), reason="no IPv6 loopback")),
])
def test_host_and_port(host: str, url_host: str, connect_to: str) -> None:
    args = ["serve_app:app", "--app-dir", str(APPS_DIR), "--workers", "1"]
    with ServerProcess(args, host=host) as server:
        response = httpx.get(f"http://{connect_to}:{server.port}/", timeout=10)
        assert response.json() == {"app": "serve_app"}
        code = server.stop()
    assert code == 0, server.stderr
    start_line = start_line_pattern(url_host, server.port, 1)
    assert start_line.search(server.stderr), server.stderr


def test_default_workers_is_the_cpu_count() -> None:
    with ServerProcess(["serve_app:app", "--app-dir", str(APPS_DIR)]) as server:
        code = server.stop()
    assert code == 0, server.stderr
    cpus = len(os.sched_getaffinity(0))
    assert start_line_pattern("127.0.0.1", server.port, cpus).search(server.stderr), (
        server.stderr)


# ---- where the app is imported from -----------------------------------------------------


def test_relative_app_dir_is_resolved_against_the_cwd() -> None:
    with ServerProcess(["serve_app:app", "--app-dir", "tests/apps", "--workers", "1"],
                       cwd=REPO_DIR) as server:
        assert httpx.get(server.url + "/", timeout=10).json() == {"app": "serve_app"}


def test_dotted_module_under_the_app_dir(tmp_path: Path) -> None:
    with ServerProcess(["tests.apps.serve_app:app", "--app-dir", str(REPO_DIR),
                        "--workers", "1"], cwd=tmp_path) as server:
        assert httpx.get(server.url + "/", timeout=10).json() == {"app": "serve_app"}


def test_current_directory_is_importable_like_uvicorn(tmp_path: Path) -> None:
    # A project laid out the way uvicorn users run it: `cd project && fasterapi serve main:app`,
    # main importing a sibling module.
    (tmp_path / "settings.py").write_text('GREETING = "from the cwd"\n')
    (tmp_path / "main.py").write_text(textwrap.dedent("""\
        from fasterapi import FastAPI

        from settings import GREETING

        app = FastAPI()


        @app.get("/")
        def root() -> dict[str, str]:
            return {"greeting": GREETING}
        """))
    with ServerProcess(["main:app", "--workers", "2"], cwd=tmp_path) as server:
        for _ in range(4):  # both interpreters imported it
            with Connection(server.host, server.port) as conn:
                assert conn.get_json("/") == {"greeting": "from the cwd"}


# ---- logging ----------------------------------------------------------------------------


def test_log_level_warning_hides_info_lines() -> None:
    args = ["serve_app:app", "--app-dir", str(APPS_DIR), "--workers", "1",
            "--log-level", "warning"]
    with ServerProcess(args, wait_for_start_line=False) as server:
        assert httpx.get(server.url + "/", timeout=10).status_code == 200
        code = server.stop()
    assert code == 0, server.stderr
    assert "FasterAPI running on" not in server.stderr
    assert "INFO:" not in server.stderr


def test_access_log() -> None:
    args = ["serve_app:app", "--app-dir", str(APPS_DIR), "--workers", "1", "--access-log"]
    with ServerProcess(args) as server, Connection(server.host, server.port) as conn:
        status, _, _ = conn.request("GET", "/interp?x=1")
        assert status == 200
        client_host, client_port = conn.local_address
        line = f'{client_host}:{client_port} - "GET /interp?x=1 HTTP/1.1" 200'
        conn.close()
        code = server.stop()
    assert code == 0, server.stderr
    assert line in server.stderr


# ---- stopping ---------------------------------------------------------------------------


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_stops_the_server_with_status_0(sig: signal.Signals) -> None:
    args = ["serve_app:app", "--app-dir", str(APPS_DIR), "--workers", "2"]
    with ServerProcess(args) as server, Connection(server.host, server.port) as idle:
        assert idle.get_json("/")["app"] == "serve_app"
        # an idle keep-alive connection must not hold the shutdown for the graceful timeout
        code = server.stop(sig, timeout=8.0)
    assert code == 0, server.stderr
    assert start_line_pattern("127.0.0.1", server.port, 2).search(server.stderr)
    assert port_is_free("127.0.0.1", server.port)
