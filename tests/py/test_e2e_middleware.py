"""`@app.middleware("http")` against a live server."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from e2e_support import app_fixtures

from fasterapi.testing import LiveServer

fasterapi_app, fasterapi_app_dir, fasterapi_server_args = app_fixtures(
    "tasks_app:mw_app")


@pytest.fixture(scope="module")
def client(live_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.url, timeout=10) as c:
        yield c


def test_middleware_wraps_sync_and_async_handlers_last_added_outermost(
        client: httpx.Client) -> None:
    for path, body in (("/sync/3", {"n": 3}), ("/async", {"async": "yes"})):
        response = client.get(path)
        assert response.json() == body
        assert response.headers["x-order"] == "inner,outer"
        assert response.headers["x-path"] == path


def test_middleware_sees_error_responses(client: httpx.Client) -> None:
    response = client.get("/missing")
    assert (response.status_code, response.json()) == (404, {"detail": "nothing here"})
    assert response.headers["x-order"] == "inner,outer"
    response = client.get("/sync/notanint")
    assert response.status_code == 422 and response.headers["x-order"] == "inner,outer"
    response = client.get("/crash")
    assert response.status_code == 500 and response.headers["x-order"] == "inner,outer"


def test_middleware_can_answer_without_calling_the_handler(client: httpx.Client) -> None:
    response = client.get("/sync/1", headers={"x-block": "yes"})
    assert (response.status_code, response.text) == (403, "blocked by middleware")
    assert "x-order" not in response.headers


def test_streaming_response_through_middleware(client: httpx.Client) -> None:
    response = client.get("/stream")
    assert response.text == "xy" and response.headers["x-order"] == "inner,outer"


def test_the_servers_own_answers_pass_through_python_middleware(client: httpx.Client) -> None:
    response = client.get("/no-such-route")
    assert (response.status_code, response.json()) == (404, {"detail": "Not Found"})
    assert response.headers["x-order"] == "inner,outer"
    assert response.headers["x-path"] == "/no-such-route"
    response = client.post("/async")
    assert response.status_code == 405 and response.headers["x-order"] == "inner,outer"
    assert response.headers["allow"] == "GET, HEAD"
    response = client.get("/async/", follow_redirects=False)
    assert response.status_code == 307 and response.headers["x-order"] == "inner,outer"
    assert response.headers["location"] == f"{client.base_url}/async"


def test_middleware_must_be_async() -> None:
    from fasterapi import FastAPI

    app = FastAPI()
    with pytest.raises(TypeError, match="async def"):
        @app.middleware("http")
        def sync_middleware(request: object, call_next: object) -> None: ...
    with pytest.raises(ValueError, match="only 'http'"):
        app.middleware("websocket")
