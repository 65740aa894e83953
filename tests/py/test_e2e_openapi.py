"""OpenAPI against a live server: /openapi.json is the app's document and a valid OpenAPI 3.1
one, the docs pages are served, Swagger UI renders every operation in headless Chromium
(assets from the swagger-ui-dist npm package, installed for the test), and schemathesis
finds no server error.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from e2e_support import APPS_DIR

from fasterapi.testing import LiveServer

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NPM = shutil.which("npm")


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    env = {k: v for k, v in os.environ.items() if k != "SWAGGER_UI_DIR"}
    with LiveServer("openapi_app:app", str(APPS_DIR), extra_args=["--workers", "1"],
                    env=env) as live:
        yield live


@pytest.fixture(scope="module")
def document() -> dict:
    sys.path.insert(0, str(APPS_DIR))
    try:
        import openapi_app
    finally:
        sys.path.remove(str(APPS_DIR))
    made: dict = openapi_app.app.openapi()
    return made


def test_openapi_json_is_the_apps_document(server: LiveServer, document: dict) -> None:
    response = httpx.get(f"{server.url}/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == document
    # Served again from the cached document.
    assert httpx.get(f"{server.url}/openapi.json").content == response.content


def test_document_is_valid_openapi_3_1(server: LiveServer) -> None:
    from openapi_spec_validator import validate
    from openapi_spec_validator.validation import OpenAPIV31SpecValidator

    spec = httpx.get(f"{server.url}/openapi.json").json()
    assert spec["openapi"] == "3.1.0"
    validate(spec, cls=OpenAPIV31SpecValidator)


def test_docs_pages(server: LiveServer) -> None:
    docs = httpx.get(f"{server.url}/docs")
    assert docs.status_code == 200
    assert docs.headers["content-type"] == "text/html; charset=utf-8"
    assert "swagger-ui-dist@5/swagger-ui-bundle.js" in docs.text
    assert '"/openapi.json"' in docs.text and "<title>Pet shop - Swagger UI</title>" in docs.text
    assert "window.location.origin + \"/docs/oauth2-redirect\"" in docs.text
    redirect = httpx.get(f"{server.url}/docs/oauth2-redirect")
    assert redirect.status_code == 200 and "swaggerUIRedirectOauth2" in redirect.text
    redoc = httpx.get(f"{server.url}/redoc")
    assert redoc.status_code == 200
    assert '<redoc spec-url="/openapi.json"></redoc>' in redoc.text
    assert "redoc@2/bundles/redoc.standalone.js" in redoc.text


# ---- Swagger UI in a real browser --------------------------------------------------------


@pytest.fixture(scope="module")
def swagger_ui_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if NPM is None:
        pytest.skip("npm is not installed: cannot fetch the swagger-ui-dist package")
    prefix = tmp_path_factory.mktemp("npm")
    result = subprocess.run(
        [NPM, "install", "--prefix", str(prefix), "--no-audit", "--no-fund", "--silent",
         "swagger-ui-dist@5"],
        capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, f"npm install swagger-ui-dist failed:\n{result.stderr}"
    return prefix / "node_modules" / "swagger-ui-dist"


def _chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={profile}", "--virtual-time-budget=5000",
         *args],
        capture_output=True, text=True, timeout=120, check=False, stdin=subprocess.DEVNULL)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (scripts/setup.sh "
                    "installs it with apt)")
def test_swagger_ui_renders_every_operation(swagger_ui_dist: Path, document: dict,
                                            tmp_path: Path) -> None:
    env = {**os.environ, "SWAGGER_UI_DIR": str(swagger_ui_dist)}
    with LiveServer("openapi_app:app", str(APPS_DIR), extra_args=["--workers", "1"],
                    env=env) as live:
        page = httpx.get(f"{live.url}/docs").text
        assert 'src="/assets/swagger-ui-bundle.js"' in page
        assert httpx.get(f"{live.url}/assets/swagger-ui-bundle.js").status_code == 200
        dom = _chromium(tmp_path / "profile-dom", "--dump-dom", f"{live.url}/docs")
        assert dom.returncode == 0, dom.stderr
        screenshot = tmp_path / "docs.png"
        shot = _chromium(tmp_path / "profile-shot", f"--screenshot={screenshot}",
                         "--window-size=1280,2000", f"{live.url}/docs")
        assert shot.returncode == 0, shot.stderr
    html = dom.stdout
    assert "Pet shop" in html and "Pets and their owners." in html
    for path, item in document["paths"].items():
        for method, operation in item.items():
            tag = operation.get("tags", ["default"])[0]
            # Swagger UI gives each operation block the id operations-<tag>-<operationId>.
            assert f'id="operations-{tag}-{operation["operationId"]}"' in html, (
                method, path)
            assert f'data-path="{path}"' in html, path
    assert screenshot.stat().st_size > 20_000  # a rendered page, not a blank one
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# ---- schemathesis ---------------------------------------------------------------------


def test_schemathesis_finds_no_server_error(server: LiveServer, tmp_path: Path) -> None:
    pytest.importorskip("schemathesis")
    command = [
        str(Path(sys.executable).with_name("schemathesis")), "run",
        f"{server.url}/openapi.json", "--checks", "not_a_server_error",
        "--max-examples", "15", "--seed", "1", "--workers", "1", "--no-color",
        "--generation-database", "none", "--phases", "examples,coverage,fuzzing",
        "--header", "Authorization: Bearer secret",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300,
                            check=False, cwd=tmp_path, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    # The summary line of schemathesis 4 ("365 generated, 365 passed"), when it has one.
    summary = re.search(r"(\d+) generated, (\d+) passed", result.stdout)
    if summary is not None:
        assert summary.group(1) == summary.group(2) and int(summary.group(1)) > 50
