"""A FastAPI-style test file ported by changing only its imports to fasterapi's.

The app and its tests live in one module, as in FastAPI's testing tutorial: TestClient finds
the module-level `app`, serves this very file with `fasterapi serve` and sends real requests.
Below the ported part, tests of what is particular to FasterAPI's client (lifespan in the
server process, dependency overrides sent by name, server errors, import strings).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated

import pytest

from fasterapi import Depends, FastAPI, Header, HTTPException, WebSocket, WebSocketDisconnect
from fasterapi.testclient import TestClient

# ---- the ported file: only the two imports above changed from fastapi ------------------

secret_token = "open-sesame"

items_db = {
    "foo": {"id": "foo", "title": "Foo", "description": "A small foo"},
    "bar": {"id": "bar", "title": "Bar", "description": "A bar of soap"},
}


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.started = True
    yield
    marker = os.environ.get("TESTCLIENT_SHUTDOWN_MARKER")
    if marker:
        Path(marker).write_text("stopped")


app = FastAPI(lifespan=lifespan)


def common_parameters(q: str | None = None, skip: int = 0, limit: int = 100) -> dict:
    return {"q": q, "skip": skip, "limit": limit}


@app.get("/items/{item_id}")
async def read_main(item_id: str, x_token: Annotated[str, Header()]) -> dict:
    if x_token != secret_token:
        raise HTTPException(status_code=400, detail="Invalid X-Token header")
    if item_id not in items_db:
        raise HTTPException(status_code=404, detail="Item not found")
    return items_db[item_id]


@app.post("/items/")
async def create_item(item: dict, x_token: Annotated[str, Header()]) -> dict:
    if x_token != secret_token:
        raise HTTPException(status_code=400, detail="Invalid X-Token header")
    if item["id"] in items_db:
        raise HTTPException(status_code=409, detail="Item already exists")
    return item


@app.get("/params")
def read_params(commons: Annotated[dict, Depends(common_parameters)]) -> dict:
    return commons


@app.get("/started")
def started() -> dict:
    return {"started": getattr(app.state, "started", False)}


@app.get("/agent")
def agent(user_agent: Annotated[str, Header()]) -> dict:
    return {"user_agent": user_agent}


@app.get("/boom")
def boom() -> dict:
    raise RuntimeError("kaboom")


@app.websocket("/ws")
async def websocket_hello(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_json({"msg": "Hello WebSocket"})
    await websocket.close()


@app.websocket("/ws/echo")
async def websocket_echo(websocket: WebSocket, x_room: Annotated[str, Header()] = "lobby"
                         ) -> None:
    await websocket.accept(subprotocol="chat", headers=[(b"x-room", x_room.encode())])
    try:
        while True:
            message = await websocket.receive()
            if message.get("text") == "bye":
                await websocket.close(code=4001, reason="asked to")
                return
            if message.get("text") is not None:
                await websocket.send_text(message["text"].upper())
            elif message.get("bytes") is not None:
                await websocket.send_bytes(message["bytes"][::-1])
    except WebSocketDisconnect:
        pass


@app.websocket("/ws/private")
async def websocket_private(websocket: WebSocket) -> None:
    await websocket.close(code=1008)


client = TestClient(app)


def test_websocket() -> None:
    with client.websocket_connect("/ws") as websocket:
        data = websocket.receive_json()
        assert data == {"msg": "Hello WebSocket"}


def test_websocket_echo_subprotocol_headers_and_close_code() -> None:
    with client.websocket_connect("/ws/echo", subprotocols=["chat"],
                                  headers={"x-room": "blue"}) as websocket:
        assert websocket.accepted_subprotocol == "chat"
        assert (b"x-room", b"blue") in websocket.extra_headers
        websocket.send_text("hi")
        assert websocket.receive_text() == "HI"
        websocket.send_bytes(b"abc")
        assert websocket.receive_bytes() == b"cba"
        websocket.send_json({"a": 1})
        assert websocket.receive_json() == {"A": 1}
        websocket.send({"type": "websocket.receive", "text": "bye"})
        with pytest.raises(WebSocketDisconnect) as closed:
            websocket.receive_text()
        assert (closed.value.code, closed.value.reason) == (4001, "asked to")


def test_websocket_closed_before_accept() -> None:
    with pytest.raises(WebSocketDisconnect), client.websocket_connect("/ws/private"):
        pass


def test_read_item() -> None:
    response = client.get("/items/foo", headers={"X-Token": "open-sesame"})
    assert response.status_code == 200
    assert response.json() == {
        "id": "foo",
        "title": "Foo",
        "description": "A small foo",
    }


def test_read_item_bad_token() -> None:
    response = client.get("/items/foo", headers={"X-Token": "wrong-token"})
    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid X-Token header"}


def test_read_nonexistent_item() -> None:
    response = client.get("/items/baz", headers={"X-Token": "open-sesame"})
    assert response.status_code == 404
    assert response.json() == {"detail": "Item not found"}


def test_create_item() -> None:
    response = client.post(
        "/items/",
        headers={"X-Token": "open-sesame"},
        json={"id": "foobar", "title": "Foo Bar", "description": "Both at once"},
    )
    assert response.status_code == 200
    assert response.json() == {
        "id": "foobar",
        "title": "Foo Bar",
        "description": "Both at once",
    }


def test_create_item_bad_token() -> None:
    response = client.post(
        "/items/",
        headers={"X-Token": "wrong-token"},
        json={"id": "bazz", "title": "Bazz", "description": "Not allowed"},
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid X-Token header"}


def test_create_existing_item() -> None:
    response = client.post(
        "http://testserver/items/",
        headers={"X-Token": "open-sesame"},
        json={"id": "foo", "title": "Another foo", "description": "Taken"},
    )
    assert response.status_code == 409
    assert response.json() == {"detail": "Item already exists"}


def test_user_agent_is_testclient() -> None:
    assert client.get("/agent").json() == {"user_agent": "testclient"}


def test_missing_header_is_422() -> None:
    response = client.get("/items/foo")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["header", "x-token"]


async def override_dependency(q: str | None = None) -> dict:
    return {"q": q, "skip": 5, "limit": 10}


def test_override_in_a_dependency() -> None:
    app.dependency_overrides[common_parameters] = override_dependency
    try:
        response = client.get("/params?q=foo&skip=1&limit=2")
        assert response.json() == {"q": "foo", "skip": 5, "limit": 10}
    finally:
        app.dependency_overrides = {}
    response = client.get("/params?q=foo&skip=1&limit=2")
    assert response.json() == {"q": "foo", "skip": 1, "limit": 2}


# ---- FasterAPI's client in particular ---------------------------------------------------


def test_context_manager_runs_the_lifespan_in_the_server(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    marker = tmp_path / "marker"
    monkeypatch.setenv("TESTCLIENT_SHUTDOWN_MARKER", str(marker))
    with TestClient(app) as scoped:
        assert scoped.get("/started").json() == {"started": True}
        assert scoped.server is not None and scoped.base_url.host == "127.0.0.1"
        assert not marker.exists()
    assert marker.read_text() == "stopped"
    assert scoped.server is None


def test_server_errors_are_500_with_the_traceback_in_the_log() -> None:
    with TestClient(app, raise_server_exceptions=False) as scoped:
        response = scoped.get("/boom")
        assert response.status_code == 500
        assert response.text == "Internal Server Error"
        assert "RuntimeError: kaboom" in scoped.server_output()


def test_import_string_and_app_dir() -> None:
    here = str(Path(__file__).resolve().parent)
    with TestClient(f"{__name__}:app", app_dir=here) as scoped:
        response = scoped.get("/items/bar", headers={"X-Token": secret_token})
        assert response.json()["title"] == "Bar"


def test_an_app_made_in_a_function_cannot_be_served() -> None:
    local = FastAPI()
    with pytest.raises(RuntimeError, match="define it at module level"):
        TestClient(local).get("/")


def test_a_local_override_is_refused() -> None:
    def local_override() -> dict:
        return {}

    app.dependency_overrides[common_parameters] = local_override
    try:
        with pytest.raises(RuntimeError, match="not defined at module level"):
            TestClient(app).start()
    finally:
        app.dependency_overrides = {}
