"""`TestClient`: FastAPI's test client API, backed by a real FasterAPI server.

    from fasterapi.testclient import TestClient   # was: from fastapi.testclient import ...
    from main import app

    client = TestClient(app)

    def test_read_main():
        response = client.get("/")
        assert response.status_code == 200
        assert response.json() == {"msg": "Hello World"}

FasterAPI apps run inside the Go server, so the client starts `fasterapi serve` for the app
on a free port (in a subprocess, one event loop) and sends real HTTP requests to it with
httpx (`pip install httpx`). The app is found by the module attribute that holds it (it must
be defined at module level), or given as a "module:attr" string.

- `with TestClient(app) as client:` starts the server on entry (so the app's lifespan and
  startup handlers run) and stops it on exit, which runs the shutdown handlers.
- Without `with`, the server starts at the first request and stops at `close()` or when
  the test process exits. It runs the lifespan too (FastAPI's client does not then).
- `app.dependency_overrides` is sent to the server by name: keys and values must be
  module-level functions, classes or objects the server can import. When the overrides
  change, the next request restarts the server with the new ones.
- `raise_server_exceptions` cannot re-raise in the test process an exception raised in
  another process: the server logs the traceback (see `client.server_output()`) and the
  response is a 500, as with `raise_server_exceptions=False`.
- URLs may be relative ("/items") or use FastAPI's "http://testserver" base URL; responses
  are httpx Responses, and every other httpx.Client attribute is available.
- `websocket_connect(url, subprotocols=, headers=)` opens a real WebSocket (with the
  `websockets` package) and offers Starlette's test session API; see fasterapi._testws.
"""

from __future__ import annotations

import atexit
import json
import os
import sys
from collections.abc import Sequence
from types import ModuleType, TracebackType
from typing import Any

from ._appspec import parse_app_spec
from ._testws import WebSocketTestSession
from .testing import LiveServer

OVERRIDES_ENV = "FASTERAPI_DEPENDENCY_OVERRIDES"
FASTAPI_BASE_URL = "http://testserver"


def _import_httpx() -> Any:
    try:
        import httpx
    except ImportError:
        raise ImportError(
            "fasterapi.testclient needs httpx to send requests: pip install httpx") from None
    return httpx


def find_app(app: Any) -> tuple[str, str]:
    """("module:attr", app_dir) of an app object held by a module-level name."""
    candidates: list[tuple[str, str, ModuleType]] = []
    for name, module in list(sys.modules.items()):
        if name == "__main__" or not isinstance(module, ModuleType):
            continue
        namespace = getattr(module, "__dict__", None)
        if not namespace:
            continue
        for attr, value in list(namespace.items()):
            if value is app and not attr.startswith("__"):
                candidates.append((name, attr, module))
    if not candidates:
        raise RuntimeError(
            "TestClient could not find the module that holds this app: define it at module "
            'level (app = FastAPI() in an importable module) or pass "module:attr"')
    # The module that defines the app's handlers is the one that made it.
    home = {getattr(r.endpoint, "__module__", None) for r in getattr(app, "routes", [])}
    candidates.sort(key=lambda c: (c[0] not in home, c[0].split(".")[-1].startswith("test")))
    name, attr, module = candidates[0]
    return f"{name}:{attr}", _import_root(name, module)


def _import_root(name: str, module: ModuleType) -> str:
    """The sys.path entry `name` is imported from (the server's --app-dir)."""
    filename = getattr(module, "__file__", None)
    if not isinstance(filename, str):
        raise RuntimeError(f"TestClient: module {name!r} has no file to import it from")
    root = os.path.dirname(os.path.abspath(filename))
    levels = name.count(".") + (1 if os.path.basename(filename).startswith("__init__.") else 0)
    for _ in range(levels):
        root = os.path.dirname(root)
    return root


def reference(obj: Any) -> str:
    """"module:qualname" by which another process can import `obj`."""
    module = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", None)
    if isinstance(module, str) and isinstance(qualname, str) and "<locals>" not in qualname:
        return f"{module}:{qualname}"
    for name, loaded in list(sys.modules.items()):
        if name == "__main__" or not isinstance(loaded, ModuleType):
            continue
        for attr, value in list(getattr(loaded, "__dict__", {}).items()):
            if value is obj:
                return f"{name}:{attr}"
    raise RuntimeError(
        f"TestClient: dependency override {obj!r} is not defined at module level, so the "
        "server (another process) cannot import it; define it in a module")


def resolve(ref: str) -> Any:
    """The object named by a `reference` (imports its module)."""
    import importlib

    module_name, attr_path = parse_app_spec(ref)
    value: Any = importlib.import_module(module_name)
    for part in attr_path.split("."):
        value = getattr(value, part)
    return value


def apply_overrides_from_env(app: Any) -> None:
    """In the server: install the overrides a TestClient passed in the environment."""
    encoded = os.environ.get(OVERRIDES_ENV)
    if not encoded:
        return
    for original, replacement in json.loads(encoded):
        app.dependency_overrides[resolve(original)] = resolve(replacement)


class TestClient:
    """FastAPI's TestClient API against a live FasterAPI server (see the module docs)."""

    __test__ = False  # not a test class for pytest

    def __init__(
        self,
        app: Any,
        base_url: str = FASTAPI_BASE_URL,
        raise_server_exceptions: bool = True,
        root_path: str = "",
        backend: str = "asyncio",
        backend_options: dict[str, Any] | None = None,
        cookies: Any = None,
        headers: dict[str, str] | None = None,
        follow_redirects: bool = True,
        client: tuple[str, int] = ("testclient", 50000),
        *,
        app_dir: str | None = None,
        server_args: Sequence[str] = ("--workers", "1"),
        startup_timeout: float = 30.0,
    ) -> None:
        if root_path:
            raise NotImplementedError("TestClient(root_path=...) is not supported by FasterAPI")
        self.app = app
        self.fastapi_base_url = base_url.rstrip("/")
        self.raise_server_exceptions = raise_server_exceptions
        self.app_dir = app_dir
        self.server_args = list(server_args)
        self.startup_timeout = startup_timeout
        # Starlette's client sends "user-agent: testclient" unless told otherwise.
        self._client_options: dict[str, Any] = {
            "cookies": cookies, "headers": {"user-agent": "testclient", **(headers or {})},
            "follow_redirects": follow_redirects}
        self.server: LiveServer | None = None
        self._client: Any = None
        self._overrides: list[list[str]] = []
        self._registered = False

    # ---- the server ------------------------------------------------------------------

    def _spec(self) -> tuple[str, str]:
        if isinstance(self.app, str):
            parse_app_spec(self.app)
            return self.app, os.path.abspath(self.app_dir or os.getcwd())
        spec, root = find_app(self.app)
        return spec, os.path.abspath(self.app_dir) if self.app_dir else root

    def _current_overrides(self) -> list[list[str]]:
        overrides = getattr(self.app, "dependency_overrides", None) or {}
        return [[reference(k), reference(v)] for k, v in overrides.items()]

    def start(self) -> TestClient:
        """Start the server (and its lifespan); done by `with` or the first request."""
        if self.server is not None:
            return self
        httpx = _import_httpx()
        spec, app_dir = self._spec()
        self._overrides = self._current_overrides()
        env = dict(os.environ)
        env.pop(OVERRIDES_ENV, None)
        if self._overrides:
            env[OVERRIDES_ENV] = json.dumps(self._overrides)
        server = LiveServer(spec, app_dir, extra_args=self.server_args,
                            startup_timeout=self.startup_timeout, env=env)
        server.start()
        self.server = server
        if self._client is None:
            self._client = httpx.Client(base_url=server.url, **self._client_options)
        else:
            self._client.base_url = server.url
        if not self._registered:
            atexit.register(self.close)
            self._registered = True
        return self

    def stop(self) -> None:
        """Stop the server (its shutdown handlers run); the next request starts it again."""
        server, self.server = self.server, None
        if server is not None:
            server.close()

    def close(self) -> None:
        self.stop()
        client, self._client = self._client, None
        if client is not None:
            client.close()

    def server_output(self) -> str:
        """What the server logged so far (tracebacks of failed requests included)."""
        return self.server.stderr_text() if self.server is not None else ""

    @property
    def base_url(self) -> Any:
        self._ensure_started()
        return self._client.base_url

    def _ensure_started(self) -> None:
        if self.server is not None and self._overrides != self._current_overrides():
            self.stop()  # the overrides changed: serve again with the new ones
        if self.server is None:
            self.start()

    # ---- requests ----------------------------------------------------------------------

    def request(self, method: str, url: Any, **kwargs: Any) -> Any:
        self._ensure_started()
        text = str(url)
        if text.startswith(self.fastapi_base_url):
            url = text[len(self.fastapi_base_url):] or "/"
        return self._client.request(method, url, **kwargs)

    def get(self, url: Any, **kwargs: Any) -> Any:
        return self.request("GET", url, **kwargs)

    def head(self, url: Any, **kwargs: Any) -> Any:
        return self.request("HEAD", url, **kwargs)

    def options(self, url: Any, **kwargs: Any) -> Any:
        return self.request("OPTIONS", url, **kwargs)

    def post(self, url: Any, **kwargs: Any) -> Any:
        return self.request("POST", url, **kwargs)

    def put(self, url: Any, **kwargs: Any) -> Any:
        return self.request("PUT", url, **kwargs)

    def patch(self, url: Any, **kwargs: Any) -> Any:
        return self.request("PATCH", url, **kwargs)

    def delete(self, url: Any, **kwargs: Any) -> Any:
        return self.request("DELETE", url, **kwargs)

    def websocket_connect(self, url: str, subprotocols: Sequence[str] | None = None,
                          **kwargs: Any) -> WebSocketTestSession:
        """A WebSocket session with the app (Starlette's API, see fasterapi._testws); use
        it in a `with` block. `headers=` adds fields to the handshake."""
        unknown = sorted(set(kwargs) - {"headers"})
        if unknown:
            raise TypeError(f"websocket_connect() option(s) {', '.join(unknown)} are not "
                            "supported by FasterAPI's TestClient (it takes subprotocols= "
                            "and headers=)")
        self._ensure_started()
        text = str(url)
        if text.startswith(self.fastapi_base_url):
            text = text[len(self.fastapi_base_url):] or "/"
        if "://" not in text:
            text = str(self._client.base_url).rstrip("/") + "/" + text.lstrip("/")
        ws_url = "ws" + text[4:] if text.startswith("http") else text  # http(s) -> ws(s)
        headers = {**self._client_options["headers"],
                   **dict(kwargs.get("headers") or {})}
        return WebSocketTestSession(ws_url, subprotocols, headers, self.server_output)

    def __getattr__(self, name: str) -> Any:
        # httpx.Client's other attributes (cookies, headers, stream, build_request, ...).
        if name.startswith("_"):
            raise AttributeError(name)
        self._ensure_started()
        return getattr(self._client, name)

    def __enter__(self) -> TestClient:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        where = self.server.url if self.server is not None else "not started"
        return f"<TestClient {where}>"
