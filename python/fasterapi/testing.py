"""Run the real server around a test: `LiveServer` and the `live_server` fixture.

FasterAPI apps only run inside the Go host, so end-to-end tests start it as a
subprocess on a free port, wait until it answers, and stop it afterwards.
Registered as a pytest plugin (the `pytest11` entry point), it adds:

- `live_server` (module scope): the running server; `.url`, `.port`,
  `.process`, `.stderr_text()`.
- `fasterapi_app`: the "module:attr" to serve; by default the ini option
  `fasterapi_app`. Override it (scope "module" or "session") per test module.
- `fasterapi_app_dir`: the directory to import the app from; default rootdir.
- `fasterapi_server_args`: extra `fasterapi serve` arguments; default none.

Importing this module needs no pytest, so `LiveServer` also works in scripts.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from types import TracebackType
from typing import IO, Any

from ._appspec import parse_app_spec

STARTUP_TIMEOUT = 30.0
START_LINE = "FasterAPI running on"
STOP_TIMEOUT = 10.0


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on right now (the OS picks it)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def validate_app_spec(spec: str) -> str:
    """Return `spec` if it reads "module:attr", else raise ValueError saying why."""
    parse_app_spec(spec)
    return spec


def server_command(spec: str, host: str, port: int, app_dir: str,
                   extra_args: Sequence[str] = ()) -> list[str]:
    """The command line that serves `spec`: this venv's script, else PATH's, else `python -m`.

    This interpreter's own venv comes first, so another activated venv cannot slip in a server
    built for a different Python.
    """
    beside = os.path.join(os.path.dirname(sys.executable), "fasterapi")
    script = beside if os.access(beside, os.X_OK) else shutil.which("fasterapi")
    launcher = [script] if script else [sys.executable, "-m", "fasterapi"]
    return [*launcher, "serve", spec, "--host", host, "--port", str(port),
            "--app-dir", app_dir, *extra_args]


def probe(host: str, port: int, timeout: float = 1.0) -> bool:
    """True once the server accepts a connection and answers `GET /` with any status."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.sendall(f"GET / HTTP/1.1\r\nHost: {host}:{port}\r\n"
                         "Connection: close\r\n\r\n".encode("ascii"))
            head = b""
            while len(head) < 5:
                chunk = sock.recv(5 - len(head))
                if not chunk:
                    break
                head += chunk
            return head == b"HTTP/"
    except OSError:
        return False


class LiveServer:
    """A `fasterapi serve` subprocess; use as a context manager or start()/stop()."""

    def __init__(self, spec: str, app_dir: str = ".", *, host: str = "127.0.0.1",
                 port: int | None = None, extra_args: Sequence[str] = (),
                 startup_timeout: float = STARTUP_TIMEOUT,
                 command: Sequence[str] | None = None, env: dict[str, str] | None = None) -> None:
        self.spec = validate_app_spec(spec)
        self.app_dir = os.path.abspath(app_dir)
        self.host = host
        self.port = port if port is not None else free_port(host)
        self.extra_args = list(extra_args)
        self.startup_timeout = startup_timeout
        self.command = list(command) if command is not None else server_command(
            self.spec, host, self.port, self.app_dir, self.extra_args)
        # The real server is ready once it logged its start line (its interpreters are up);
        # answering alone is not enough: it may answer while the others still start.
        self._await_start_line = command is None
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None
        # Files, not pipes: a chatty server must never block on a full pipe.
        self._stdout: IO[bytes] | None = None
        self._stderr: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def stderr_text(self) -> str:
        return _read_all(self._stderr)

    def stdout_text(self) -> str:
        return _read_all(self._stdout)

    def start(self) -> LiveServer:
        if self.process is not None:
            raise RuntimeError("server already started")
        self._stdout = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
        self.process = subprocess.Popen(self.command, stdout=self._stdout, stderr=self._stderr,
                                        stdin=subprocess.DEVNULL, env=self.env)
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + self.startup_timeout
        while True:
            code = self.process.poll()
            if code is not None:
                raise RuntimeError(
                    f"fasterapi server exited with status {code} before answering "
                    f"({' '.join(self.command)}); stderr:\n{self.stderr_text()}")
            if self._await_start_line:
                if START_LINE in self.stderr_text():
                    return
            elif probe(self.host, self.port):
                return
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"fasterapi server did not answer on {self.url} within "
                    f"{self.startup_timeout:g}s ({' '.join(self.command)}); stderr:\n"
                    f"{self.stderr_text()}")
            time.sleep(0.05)

    def stop(self) -> int | None:
        """SIGTERM, then SIGKILL after STOP_TIMEOUT; returns the exit status."""
        process = self.process
        code: int | None = None
        if process is not None:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(STOP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            code = process.returncode
        return code

    def close(self) -> None:
        """Stop the server and drop its captured output."""
        self.stop()
        for stream in (self._stdout, self._stderr):
            if stream is not None:
                stream.close()
        self._stdout = self._stderr = None

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<LiveServer {self.spec} at {self.url}>"


def _read_all(stream: IO[bytes] | None) -> str:
    if stream is None or stream.closed:
        return ""
    stream.flush()
    position = stream.tell()
    stream.seek(0)
    data = stream.read()
    stream.seek(position)
    return data.decode("utf-8", errors="replace")


# ---- pytest plugin ------------------------------------------------------------

def pytest_addoption(parser: Any) -> None:
    parser.addini("fasterapi_app", 'App served by the live_server fixture, as "module:attr".',
                  default="")


try:
    import pytest
except ImportError:  # LiveServer without pytest
    pass
else:

    @pytest.fixture(scope="session")
    def fasterapi_app(pytestconfig: pytest.Config) -> str:
        spec = str(pytestconfig.getini("fasterapi_app") or "")
        if not spec:
            raise pytest.UsageError(
                'live_server needs an app: set `fasterapi_app = "module:attr"` in the pytest '
                "ini options or override the `fasterapi_app` fixture")
        try:
            return validate_app_spec(spec)
        except ValueError as exc:
            raise pytest.UsageError(f"fasterapi_app ini option: {exc}") from None

    @pytest.fixture(scope="session")
    def fasterapi_app_dir(pytestconfig: pytest.Config) -> str:
        return str(pytestconfig.rootpath)

    @pytest.fixture(scope="session")
    def fasterapi_server_args() -> list[str]:
        return []

    @pytest.fixture(scope="module")
    def live_server(fasterapi_app: str, fasterapi_app_dir: str,
                    fasterapi_server_args: list[str]) -> Iterator[LiveServer]:
        server = LiveServer(fasterapi_app, fasterapi_app_dir, extra_args=fasterapi_server_args)
        server.start()
        try:
            yield server
        finally:
            server.close()
