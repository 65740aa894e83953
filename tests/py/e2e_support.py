"""What the end-to-end tests share: where things are, the command line of this venv, and
plain HTTP over one connection.

Everything runs against the `fasterapi` installed in the venv that runs pytest (make test runs
the suite once per Python version), never against the source tree.
"""

from __future__ import annotations

import http.client
import json
import platform
import re
import signal
import socket
import subprocess
import sysconfig
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any, Self

from fasterapi.testing import LiveServer, free_port, probe

REPO_DIR = Path(__file__).resolve().parents[2]
APPS_DIR = REPO_DIR / "tests" / "apps"
# The console script of the venv running the tests (not whatever `fasterapi` PATH finds).
FASTERAPI = str(Path(sysconfig.get_path("scripts")) / "fasterapi")
PYTHON_VERSION = platform.python_version()

START_LINE = re.compile(r"^INFO: +FasterAPI running on ", re.MULTILINE)
CLI_TIMEOUT = 60.0
STARTUP_TIMEOUT = 30.0


def start_line_pattern(host: str, port: int, interpreters: int) -> re.Pattern[str]:
    """The line `serve` logs once every interpreter is up: URL, Python, interpreters, mode."""
    return re.compile(
        rf"^INFO: +FasterAPI running on http://{re.escape(host)}:{port} "
        rf"\(Python {re.escape(PYTHON_VERSION)}, {interpreters} interpreters?, mode pinned\)",
        re.MULTILINE,
    )


def wait_for_output(read: Callable[[], str], pattern: str | re.Pattern[str],
                    timeout: float = 10.0) -> str:
    """Poll a growing output (a server's stderr) until `pattern` shows up or time runs out;
    returns the output as last read."""
    regex = re.compile(re.escape(pattern)) if isinstance(pattern, str) else pattern
    deadline = time.monotonic() + timeout
    while True:
        output = read()
        if regex.search(output) or time.monotonic() > deadline:
            return output
        time.sleep(0.05)


def wait_until_started(server: LiveServer) -> None:
    """Wait for the start line: LiveServer is ready at the first answer, which may come while
    the warm-up still dials the event loops (its connections would skew round-robin counts)."""
    stderr = wait_for_output(server.stderr_text, START_LINE, timeout=STARTUP_TIMEOUT)
    assert START_LINE.search(stderr), f"no start line in the server's stderr:\n{stderr}"


def run_cli(args: Sequence[str], *, cwd: str | Path | None = None,
            timeout: float = CLI_TIMEOUT) -> subprocess.CompletedProcess[str]:
    """Run this venv's `fasterapi` with `args` to completion (stdin closed)."""
    return subprocess.run([FASTERAPI, *args], cwd=cwd, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=timeout, check=False)


class ServerProcess:
    """`fasterapi serve` started with an exact command line and working directory, for the
    cases LiveServer does not cover (no --app-dir, a chosen cwd, a chosen signal).

    Ready once it answers and has logged its start line: it may answer a little before (the
    first request can boot an interpreter before the warm-up does), and a signal in between
    takes the "while starting" exit instead of the graceful shutdown.
    """

    def __init__(self, args: Sequence[str], *, cwd: str | Path | None = None,
                 host: str = "127.0.0.1", port: int | None = None,
                 wait_for_start_line: bool = True) -> None:
        self.host = host
        self.port = port if port is not None else any_free_port(host)
        self.args = ["serve", *args, "--host", host, "--port", str(self.port)]
        self.cwd = cwd
        self.wait_for_start_line = wait_for_start_line
        self.process: subprocess.Popen[bytes] | None = None
        self._out = tempfile.TemporaryFile()  # noqa: SIM115 - closed in __exit__
        self._err = tempfile.TemporaryFile()  # noqa: SIM115 - closed in __exit__
        self._final_out = self._final_err = ""

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def stderr(self) -> str:
        """Everything the server wrote to stderr so far (kept after the `with` block)."""
        if not self._err.closed:
            self._final_err = _read(self._err)
        return self._final_err

    @property
    def stdout(self) -> str:
        if not self._out.closed:
            self._final_out = _read(self._out)
        return self._final_out

    def _ready(self) -> bool:
        if not probe(self.host, self.port):
            return False
        return not self.wait_for_start_line or START_LINE.search(self.stderr) is not None

    def __enter__(self) -> Self:
        self.process = subprocess.Popen(
            [FASTERAPI, *self.args], cwd=self.cwd, stdin=subprocess.DEVNULL,
            stdout=self._out, stderr=self._err)
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not self._ready():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop(signal.SIGKILL)
                raise RuntimeError(f"fasterapi {' '.join(self.args)} did not start "
                                   f"(exit {self.process.returncode}):\n{self.stderr}")
            time.sleep(0.02)
        return self

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15.0) -> int:
        """Send `sig` and wait for the exit (SIGKILL after `timeout`); returns the status."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise

    def __exit__(self, *exc_info: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._final_out, self._final_err = self.stdout, self.stderr
        self._out.close()
        self._err.close()


def _read(stream: IO[bytes]) -> str:
    stream.seek(0)
    return stream.read().decode("utf-8", errors="replace")


class Connection:
    """One keep-alive HTTP/1.1 connection, so tests know which requests share a socket."""

    def __init__(self, host: str, port: int, timeout: float = 15.0) -> None:
        self.conn = http.client.HTTPConnection(host, port, timeout=timeout)
        self.conn.connect()

    @property
    def local_address(self) -> tuple[str, int]:
        assert self.conn.sock is not None
        host, port = self.conn.sock.getsockname()[:2]
        return host, port

    def send(self, method: str, path: str, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> None:
        self.conn.request(method, path, body=body, headers=headers or {})

    def receive(self) -> tuple[int, http.client.HTTPMessage, bytes]:
        response = self.conn.getresponse()
        return response.status, response.headers, response.read()

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None
                ) -> tuple[int, http.client.HTTPMessage, bytes]:
        self.send(method, path, body, headers)
        return self.receive()

    def get_json(self, path: str) -> Any:
        status, _, body = self.request("GET", path)
        assert status == 200, (path, status, body)
        return json.loads(body)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def raw_request(host: str, port: int, data: bytes
                ) -> tuple[int, http.client.HTTPMessage, bytes]:
    """Send `data` as is on a new connection and read one response."""
    with socket.create_connection((host, port), timeout=15.0) as sock:
        sock.sendall(data)
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status, response.headers, response.read()


def handlers_seen(server: LiveServer, closes: int, timeout: float = 5.0) -> dict[str, Any]:
    """tests/apps/browser_app.py's /seen (what its handlers observed), once `closes`
    WebSocket closes reached them: a client sees the server's Close frame a moment before the
    handler gets its disconnect."""
    deadline = time.monotonic() + timeout
    with Connection(server.host, server.port) as conn:
        while True:
            observed: dict[str, Any] = conn.get_json("/seen")
            if len(observed["close_codes"]) >= closes or time.monotonic() > deadline:
                return observed
            time.sleep(0.02)


def any_free_port(host: str) -> int:
    """free_port for IPv6 hosts too (fasterapi.testing.free_port binds IPv4 only)."""
    if ":" not in host:
        return free_port(host)
    with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


__all__ = [
    "APPS_DIR",
    "CLI_TIMEOUT",
    "FASTERAPI",
    "PYTHON_VERSION",
    "REPO_DIR",
    "Connection",
    "ServerProcess",
    "any_free_port",
    "free_port",
    "handlers_seen",
    "port_is_free",
    "raw_request",
    "run_cli",
    "start_line_pattern",
    "wait_for_output",
    "wait_until_started",
]


def app_fixtures(spec: str, *server_args: str) -> tuple[Any, Any, Any]:
    """The fixtures that point the `live_server` plugin at an app of tests/apps, for a test
    module to take as its own:

        fasterapi_app, fasterapi_app_dir, fasterapi_server_args = app_fixtures("m:app")
    """
    import pytest

    @pytest.fixture(scope="module")
    def fasterapi_app() -> str:
        return spec

    @pytest.fixture(scope="module")
    def fasterapi_app_dir() -> str:
        return str(APPS_DIR)

    @pytest.fixture(scope="module")
    def fasterapi_server_args() -> list[str]:
        return list(server_args)

    return fasterapi_app, fasterapi_app_dir, fasterapi_server_args
