"""`boot`: loading the app named on the command line, as the host does."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fasterapi import _runtime
from fasterapi._runtime import AppLoadError, boot
from fasterapi.encoders import jsonable_encoder

APP = """
from fasterapi import FastAPI
app = FastAPI()
class Holder:
    inner = app
@app.get("/items/{item_id}")
def read(item_id: int):
    return item_id
@app.post("/files/{p:path}", status_code=201, name="upload")
def upload(p: str):
    return p
not_an_app = 42
"""


@pytest.fixture
def app_dir(tmp_path: Path) -> Iterator[str]:
    name = f"bootapp_{id(tmp_path)}"
    (tmp_path / f"{name}.py").write_text(APP)
    (tmp_path / "broken_app.py").write_text("x = 1 / 0\n")
    (tmp_path / "needs_dep.py").write_text("import surely_not_installed_dep\n")
    (tmp_path / "real_fastapi.py").write_text(
        "class FastAPI:\n    pass\nFastAPI.__module__ = 'fastapi.applications'\napp = FastAPI()\n")
    saved = list(sys.path)
    yield str(tmp_path) + "|" + name
    sys.path[:] = saved
    for module in (name, "broken_app", "needs_dep", "real_fastapi"):
        sys.modules.pop(module, None)


def split(app_dir: str) -> tuple[str, str]:
    directory, name = app_dir.split("|")
    return directory, name


def test_boot_returns_the_route_table(app_dir: str) -> None:
    directory, name = split(app_dir)
    table = boot(f"{name}:app", directory)
    docs = [("/openapi.json", ("GET", "HEAD"), 200, "openapi"),
            ("/docs", ("GET", "HEAD"), 200, "swagger_ui_html"),
            ("/docs/oauth2-redirect", ("GET", "HEAD"), 200, "swagger_ui_redirect"),
            ("/redoc", ("GET", "HEAD"), 200, "redoc_html")]
    assert table == {"routes": [*docs, ("/items/{item_id}", ("GET", "HEAD"), 200, "read"),
                                ("/files/{p:path}", ("POST",), 201, "upload")],
                     "app": {"middleware": []}}
    assert sys.path[0] == directory
    assert boot(f"{name}:Holder.inner", directory) == table
    assert sys.path.count(directory) == 1


def test_boot_installs_dispatch_in_the_host_module(app_dir: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    directory, name = split(app_dir)
    calls: list[tuple[Any, Any, Any]] = []
    fake = types.ModuleType("_fasterapi")
    fake.install = lambda dispatch, encoder, kinds: calls.append(  # type: ignore[attr-defined]
        (dispatch, encoder, kinds))
    monkeypatch.setitem(sys.modules, "_fasterapi", fake)
    table = boot(f"{name}:app", directory)
    dispatch, encoder, kinds = calls[0]
    assert dispatch.__func__.__name__ == "_dispatch"
    assert dispatch.__self__ is sys.modules[name].app
    assert encoder is jsonable_encoder
    # one host kind per route (HOST_JSON here: the test app has no text routes)
    assert kinds == bytes(len(sys.modules[name].app.routes))
    assert len(table["routes"]) >= len(kinds)


@pytest.mark.parametrize(("spec", "message"), [
    ("app", 'expected "module:attr"'),
    (":app", "module '' is not a dotted"),
    ("mod:", "attribute '' is not a dotted"),
    ("no_such_module_xyz:app", "Could not import module 'no_such_module_xyz': No module named "
                               "'no_such_module_xyz' (is --app-dir right?)"),
    ("NAME:ap", "Attribute 'ap' not found in module 'NAME'"),
    ("NAME:Holder.nope", "Attribute 'Holder.nope' not found in module 'NAME'"),
    ("NAME:not_an_app", "is a builtins.int, not a FasterAPI application"),
    ("real_fastapi:app", "import FastAPI from fasterapi instead of fastapi"),
    ("broken_app:app", "ZeroDivisionError: division by zero"),
    ("needs_dep:app", "Error importing module 'needs_dep': No module named "
                      "'surely_not_installed_dep'"),
])
def test_load_errors_say_what_to_fix(app_dir: str, spec: str, message: str) -> None:
    directory, name = split(app_dir)
    with pytest.raises(AppLoadError) as info:
        boot(spec.replace("NAME", name), directory)
    assert message.replace("NAME", name) in str(info.value)


def test_runtime_module_exports() -> None:
    assert issubclass(_runtime.AppLoadError, Exception)


def test_boot_sends_the_middleware_and_the_answer_route(tmp_path: Any) -> None:
    (tmp_path / "mwboot.py").write_text(
        "from fasterapi import FastAPI\n"
        "from fasterapi.middleware.gzip import GZipMiddleware\n"
        "from fasterapi.middleware.httpsredirect import HTTPSRedirectMiddleware\n"
        "app = FastAPI(openapi_url=None)\n"
        "app.add_middleware(GZipMiddleware, minimum_size=10, exclude_content_types=('a/b;x',))\n"
        "app.add_middleware(HTTPSRedirectMiddleware)\n"
        "@app.get('/a')\n"
        "def a(): return 1\n"
        "@app.middleware('http')\n"
        "async def m(request, call_next): return await call_next(request)\n")
    table = boot("mwboot:app", str(tmp_path))
    assert table["routes"] == [("/a", ("GET", "HEAD"), 200, "a"),
                               ("", ("FASTERAPI-ANSWER",), 200, "fasterapi.answer")]
    assert table["app"] == {
        "middleware": [["httpsredirect", {}],
                       ["gzip", {"minimum_size": 10, "compresslevel": 9,
                                 "exclude_content_types": ["a/b"]}]],
        "answer_route": 1}
