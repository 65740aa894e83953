"""fasterapi.testclient without a server: finding the app, naming overrides, clear errors.
(Requests against a real server are in tests/py/test_e2e_testclient.py.)"""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import pytest

from fasterapi import FastAPI
from fasterapi.testclient import (
    OVERRIDES_ENV,
    TestClient,
    _import_root,
    apply_overrides_from_env,
    find_app,
    reference,
    resolve,
)


def dependency() -> int:
    return 1


def replacement() -> int:
    return 2


app = FastAPI()


@app.get("/")
def root(value: int = 0) -> int:
    return value


def test_find_app_names_the_module_attribute() -> None:
    spec, root_dir = find_app(app)
    assert spec == f"{__name__}:app"
    assert Path(root_dir) / (__name__.replace(".", "/") + ".py") == Path(__file__).resolve()


def test_import_root_of_packages_and_modules(tmp_path: Path) -> None:
    module = types.ModuleType("pkg.sub.mod")
    module.__file__ = str(tmp_path / "pkg" / "sub" / "mod.py")
    assert _import_root("pkg.sub.mod", module) == str(tmp_path)
    package = types.ModuleType("pkg")
    package.__file__ = str(tmp_path / "pkg" / "__init__.py")
    assert _import_root("pkg", package) == str(tmp_path)


def test_an_app_no_module_holds_is_refused() -> None:
    with pytest.raises(RuntimeError, match="define it at module level"):
        find_app(FastAPI())


def test_references_round_trip() -> None:
    assert reference(dependency) == f"{__name__}:dependency"
    assert resolve(reference(dependency)) is dependency
    instance = object()
    sys.modules[__name__].__dict__["an_instance"] = instance
    try:
        assert reference(instance) == f"{__name__}:an_instance"
    finally:
        del sys.modules[__name__].__dict__["an_instance"]

    def local() -> None:
        return None

    with pytest.raises(RuntimeError, match="not defined at module level"):
        reference(local)


def test_overrides_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    target = FastAPI()
    monkeypatch.setenv(OVERRIDES_ENV, json.dumps([[reference(dependency),
                                                   reference(replacement)]]))
    apply_overrides_from_env(target)
    assert target.dependency_overrides == {dependency: replacement}
    monkeypatch.delenv(OVERRIDES_ENV)
    other = FastAPI()
    apply_overrides_from_env(other)
    assert other.dependency_overrides == {}


def test_missing_httpx_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "httpx", None)
    client = TestClient(app)
    with pytest.raises(ImportError, match="pip install httpx"):
        client.get("/")
    assert client.server is None


def test_unsupported_options() -> None:
    with pytest.raises(NotImplementedError, match="root_path"):
        TestClient(app, root_path="/api")
    with pytest.raises(TypeError, match="cookies"):
        TestClient(app).websocket_connect("/ws", cookies={"a": "b"})


def test_nothing_starts_until_used() -> None:
    client = TestClient(app)
    assert client.server is None and repr(client) == "<TestClient not started>"
    assert client.server_output() == ""
    client.close()  # closing an unstarted client is harmless
