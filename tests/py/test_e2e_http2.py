"""HTTP/2 from a real Python client: httpx with h2, cleartext with prior knowledge."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from e2e_support import APPS_DIR

from fasterapi.testing import LiveServer


@pytest.fixture(scope="module")
def fasterapi_app() -> str:
    return "async_app:app"


@pytest.fixture(scope="module")
def fasterapi_app_dir() -> str:
    return str(APPS_DIR)


@pytest.fixture(scope="module")
def h2(live_server: LiveServer) -> Iterator[httpx.Client]:
    # http1=False makes httpx speak HTTP/2 on a cleartext URL (prior knowledge).
    with httpx.Client(base_url=live_server.url, http1=False, http2=True, timeout=15) as client:
        yield client


def test_sync_and_async_handlers_over_http2(h2: httpx.Client) -> None:
    response = h2.get("/sync")
    assert (response.http_version, response.status_code, response.json()) == (
        "HTTP/2", 200, {"sync": "ok"})
    response = h2.get("/sleep", params={"seconds": "0.01"})
    assert (response.http_version, response.json()) == ("HTTP/2", {"slept": 0.01})


def test_errors_over_http2(h2: httpx.Client) -> None:
    assert h2.get("/nope").status_code == 404
    response = h2.get("/boom")
    assert (response.status_code, response.text) == (500, "Internal Server Error")
    response = h2.get("/sleep", params={"seconds": "soon"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "float_parsing"
