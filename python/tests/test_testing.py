"""The live-server helpers that need no FasterAPI server.

The lifecycle is exercised with a stand-in command (Python's http.server),
so start/wait/stop are checked here; serving a real app is covered by the
end-to-end tests.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PYTHON_DIR

from fasterapi import testing
from fasterapi.testing import LiveServer, free_port, probe, server_command, validate_app_spec


def test_free_port_is_bindable() -> None:
    port = free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def test_spec_validation() -> None:
    assert validate_app_spec("main:app") == "main:app"
    with pytest.raises(ValueError, match="module:attr"):
        validate_app_spec("main")
    with pytest.raises(ValueError):
        LiveServer("not a spec")


def test_server_command(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # A venv's own script wins over PATH.
    script = tmp_path / "fasterapi"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    monkeypatch.setattr(testing.sys, "executable", str(tmp_path / "python"))
    assert server_command("m:app", "h", 1, "/d")[0] == str(script)
    script.unlink()
    monkeypatch.setattr(testing.shutil, "which", lambda name: "/bin/fasterapi")
    assert server_command("m:app", "127.0.0.1", 8123, "/srv", ["--workers", "2"]) == [
        "/bin/fasterapi", "serve", "m:app", "--host", "127.0.0.1", "--port", "8123",
        "--app-dir", "/srv", "--workers", "2"]
    monkeypatch.setattr(testing.shutil, "which", lambda name: None)
    assert server_command("m:app", "h", 1, "/d")[:3] == [sys.executable, "-m", "fasterapi"]


def test_probe_fails_on_a_closed_port() -> None:
    assert probe("127.0.0.1", free_port(), timeout=0.2) is False


def test_lifecycle_with_a_stand_in_server() -> None:
    port = free_port()
    command = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
    with LiveServer("m:app", port=port, command=command) as server:
        assert server.url == f"http://127.0.0.1:{port}"
        assert server.process is not None and server.process.poll() is None
        assert probe("127.0.0.1", port)
        process = server.process
    assert process.poll() is not None


def test_startup_failure_reports_stderr() -> None:
    command = [sys.executable, "-c", "import sys; sys.stderr.write('no such app'); sys.exit(3)"]
    server = LiveServer("m:app", command=command)
    with pytest.raises(RuntimeError, match="exited with status 3") as info:
        server.start()
    assert "no such app" in str(info.value)
    server.close()


def test_startup_timeout_reports_stderr() -> None:
    command = [sys.executable, "-c",
               "import sys, time; sys.stderr.write('still booting'); sys.stderr.flush(); "
               "time.sleep(60)"]
    server = LiveServer("m:app", command=command, startup_timeout=0.5)
    with pytest.raises(RuntimeError, match="did not answer") as info:
        server.start()
    assert "still booting" in str(info.value)
    assert server.process is not None and server.process.poll() is not None
    server.close()


def test_plugin_fixtures_exist() -> None:
    assert callable(testing.pytest_addoption)
    for name in ("live_server", "fasterapi_app", "fasterapi_app_dir", "fasterapi_server_args"):
        assert hasattr(testing, name)


def _inner_pytest(tmp_path: Path, ini: str, test: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "pytest.ini").write_text(ini)
    (tmp_path / "test_inner.py").write_text(test)
    env = dict(os.environ, PYTHONPATH=PYTHON_DIR, PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "fasterapi.testing", "-p", "no:cacheprovider",
         str(tmp_path)], capture_output=True, text=True, cwd=tmp_path, env=env, check=False)


def test_plugin_fixture_defaults(tmp_path: Path) -> None:
    done = _inner_pytest(
        tmp_path, "[pytest]\nfasterapi_app = main:app\n",
        "def test_defaults(fasterapi_app, fasterapi_app_dir, fasterapi_server_args, "
        "pytestconfig):\n"
        "    assert fasterapi_app == 'main:app'\n"
        "    assert fasterapi_app_dir == str(pytestconfig.rootpath)\n"
        "    assert fasterapi_server_args == []\n")
    assert done.returncode == 0, done.stdout + done.stderr


def test_plugin_requires_an_app(tmp_path: Path) -> None:
    done = _inner_pytest(tmp_path, "[pytest]\n", "def test_app(fasterapi_app):\n    pass\n")
    assert done.returncode != 0
    assert "live_server needs an app" in done.stdout + done.stderr
