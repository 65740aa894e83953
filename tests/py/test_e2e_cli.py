"""Packaging and the command line: what `pip install .` put in this venv, and how `fasterapi`
answers good and bad invocations. Runs once per test venv (Python 3.12 and 3.13)."""

from __future__ import annotations

import importlib.metadata
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from e2e_support import APPS_DIR, PYTHON_VERSION, REPO_DIR, free_port, run_cli

import fasterapi

VERSION_LINE = re.compile(r"^fasterapi (?P<version>\S+) \(Python (?P<python>\d+\.\d+\.\d+\S*), "
                          r"go\d+\.\d+(\.\d+)?\)$")


def installed_binary() -> Path:
    """The Go server binary inside the installed fasterapi package of this venv."""
    dist = importlib.metadata.distribution("fasterapi")
    binary = Path(str(dist.locate_file("fasterapi/_bin/fasterapi")))
    assert binary.is_file(), f"no server binary at {binary}"
    return binary


def check_version_output(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, result.stderr
    match = VERSION_LINE.match(result.stdout.strip())
    assert match, f"unexpected --version output: {result.stdout!r}"
    assert match["version"] == importlib.metadata.version("fasterapi") == fasterapi.__version__
    assert match["python"] == PYTHON_VERSION


# ---- what the install put in the venv ---------------------------------------------------


def test_version_names_the_package_and_this_venvs_python() -> None:
    check_version_output(run_cli(["--version"]))


def test_python_dash_m_fasterapi_works_like_the_script(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "fasterapi", "--version"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60, check=False)
    check_version_output(result)


def test_binary_links_this_venvs_libpython() -> None:
    ldd = shutil.which("ldd")
    if ldd is None:
        pytest.skip("ldd is not available")
    soname = sysconfig.get_config_var("INSTSONAME")
    libdir = sysconfig.get_config_var("LIBDIR")
    assert soname and libdir, "this Python has no shared libpython"
    out = subprocess.run([ldd, str(installed_binary())], capture_output=True, text=True,
                         timeout=30, check=True).stdout
    lines = [line.split() for line in out.splitlines() if "libpython" in line]
    assert len(lines) == 1, f"expected one libpython in:\n{out}"
    name, arrow, target = lines[0][:3]
    assert (name, arrow) == (soname, "=>"), out
    assert Path(target).resolve() == (Path(libdir) / soname).resolve(), out


def test_console_script_is_this_venvs() -> None:
    scripts = Path(sysconfig.get_path("scripts"))
    first_line = (scripts / "fasterapi").read_text().splitlines()[0]
    # pip writes the venv's own interpreter into the shebang
    assert first_line.startswith("#!"), first_line
    assert Path(first_line[2:].strip()).parent == scripts, first_line


# ---- routes -----------------------------------------------------------------------------


def test_routes_prints_the_route_table_of_a_dotted_module() -> None:
    result = run_cli(["routes", "tests.apps.serve_app:app", "--app-dir", str(REPO_DIR)])
    assert result.returncode == 0, result.stderr
    rows = [line.split() for line in result.stdout.splitlines() if line.strip()]
    assert rows == [
        ["METHODS", "PATH", "NAME", "STATUS"],
        # The OpenAPI document and the docs pages come first, as in FastAPI.
        ["GET,HEAD", "/openapi.json", "openapi", "200"],
        ["GET,HEAD", "/docs", "swagger_ui_html", "200"],
        ["GET,HEAD", "/docs/oauth2-redirect", "swagger_ui_redirect", "200"],
        ["GET,HEAD", "/redoc", "redoc_html", "200"],
        ["GET,HEAD", "/", "root", "200"],
        ["GET,HEAD", "/interp", "interp", "200"],
        ["GET,HEAD", "/rendezvous", "rendezvous", "200"],
        ["GET,HEAD", "/python", "python", "200"],
        ["POST", "/items/{item_id}", "create-item", "201"],
    ]


def test_routes_of_the_api_app_cover_every_method_decorator() -> None:
    result = run_cli(["routes", "api_app:app", "--app-dir", str(APPS_DIR)])
    assert result.returncode == 0, result.stderr
    rows = {tuple(line.split()) for line in result.stdout.splitlines()[1:] if line.strip()}
    for expected in [
        ("GET,HEAD", "/method", "method_get", "200"),
        ("POST", "/method", "method_post", "200"),
        ("PUT", "/method", "method_put", "200"),
        ("PATCH", "/method", "method_patch", "200"),
        ("DELETE", "/method", "method_delete", "200"),
        ("OPTIONS", "/method", "method_options", "200"),
        ("HEAD", "/head-only", "head_only", "200"),
        ("GET,POST,HEAD", "/multi", "multi", "200"),
        ("POST", "/body/item", "body_item", "201"),
        ("DELETE", "/status/no-content", "status_no_content", "204"),
    ]:
        assert expected in rows, f"{expected} missing from:\n{result.stdout}"


# ---- bad invocations: a clear message and a non-zero exit, never a server ---------------


def serve(*args: str) -> subprocess.CompletedProcess[str]:
    """`fasterapi serve ARGS` on a free port; it must exit on its own."""
    return run_cli(["serve", *args, "--port", str(free_port())])


def test_no_command_prints_usage() -> None:
    result = run_cli([])
    assert result.returncode != 0
    assert "usage: fasterapi" in result.stderr


def test_unknown_command() -> None:
    result = run_cli(["sevre", "app:app"])
    assert result.returncode != 0
    assert '"sevre"' in result.stderr and "usage: fasterapi" in result.stderr


def test_missing_app_spec() -> None:
    result = run_cli(["serve", "--port", str(free_port())])
    assert result.returncode != 0
    assert "missing the app" in result.stderr
    assert "MODULE:ATTR" in result.stderr


def test_spec_without_colon() -> None:
    result = serve("serve_app", "--app-dir", str(APPS_DIR))
    assert result.returncode != 0
    assert "'serve_app'" in result.stderr or '"serve_app"' in result.stderr
    assert "MODULE:ATTR" in result.stderr


def test_unknown_module_names_it_and_the_app_dir() -> None:
    result = serve("no_such_module_4c2b:app", "--app-dir", str(APPS_DIR))
    assert result.returncode != 0
    assert "no_such_module_4c2b" in result.stderr
    assert "--app-dir" in result.stderr
    assert "Traceback" not in result.stderr  # a user mistake, not a crash


def test_unknown_module_in_the_current_directory(tmp_path: Path) -> None:
    # No --app-dir: the cwd is searched, and the cwd holds no serve_app.
    result = run_cli(["serve", "serve_app:app", "--port", str(free_port())], cwd=tmp_path)
    assert result.returncode != 0
    assert "serve_app" in result.stderr and "--app-dir" in result.stderr


def test_missing_attribute() -> None:
    result = serve("serve_app:no_such_attr", "--app-dir", str(APPS_DIR))
    assert result.returncode != 0
    assert "no_such_attr" in result.stderr and "serve_app" in result.stderr
    assert "not found" in result.stderr


def test_attribute_that_is_not_an_app() -> None:
    result = serve("serve_app:not_an_app", "--app-dir", str(APPS_DIR))
    assert result.returncode != 0
    assert "not_an_app" in result.stderr
    assert "not a FasterAPI application" in result.stderr


def test_app_that_raises_at_import_shows_the_traceback() -> None:
    result = serve("raising_app:app", "--app-dir", str(APPS_DIR))
    assert result.returncode != 0
    assert "Traceback (most recent call last)" in result.stderr
    assert "raising_app.py" in result.stderr
    assert "RuntimeError: settings-import-failure-5d1e" in result.stderr


@pytest.mark.parametrize("workers", ["0", "-1"])
def test_workers_below_one(workers: str) -> None:
    result = serve("serve_app:app", "--app-dir", str(APPS_DIR), "--workers", workers)
    assert result.returncode != 0
    assert "--workers" in result.stderr and workers in result.stderr


def test_bad_log_level_lists_the_valid_ones() -> None:
    result = serve("serve_app:app", "--app-dir", str(APPS_DIR), "--log-level", "loud")
    assert result.returncode != 0
    assert "loud" in result.stderr
    for level in ("debug", "info", "warning", "error"):
        assert level in result.stderr


def test_app_dir_that_does_not_exist(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    result = serve("serve_app:app", "--app-dir", str(missing))
    assert result.returncode != 0
    assert "--app-dir" in result.stderr and str(missing) in result.stderr


def test_port_already_in_use() -> None:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli(["serve", "serve_app:app", "--app-dir", str(APPS_DIR),
                          "--host", "127.0.0.1", "--port", str(port)])
    assert result.returncode != 0
    assert f"127.0.0.1:{port}" in result.stderr
    assert "in use" in result.stderr


def test_routes_with_a_bad_spec_fails_the_same_way() -> None:
    result = run_cli(["routes", "serve_app:no_such_attr", "--app-dir", str(APPS_DIR)])
    assert result.returncode != 0
    assert "no_such_attr" in result.stderr
    assert result.stdout == ""
