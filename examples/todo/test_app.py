"""The todo API's tests, written as for FastAPI: only the TestClient import differs."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator

import pytest

from fasterapi.testclient import TestClient


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with tempfile.TemporaryDirectory() as data:
        os.environ["APP_DATA_DIR"] = data  # the server process inherits it
        from app import app

        with TestClient(app, server_args=("--workers", "2")) as test_client:
            yield test_client
        del os.environ["APP_DATA_DIR"]


def sign_in(client: TestClient, username: str, password: str) -> dict[str, str]:
    response = client.post("/token", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture(scope="module")
def alice(client: TestClient) -> dict[str, str]:
    return sign_in(client, "alice", "wonderland")


@pytest.fixture(scope="module")
def bob(client: TestClient) -> dict[str, str]:
    return sign_in(client, "bob", "builder")


def test_wrong_password_and_missing_token(client: TestClient) -> None:
    response = client.post("/token", data={"username": "alice", "password": "nope"})
    assert response.status_code == 400
    assert response.json() == {"detail": "Incorrect username or password"}
    response = client.get("/todos")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    response = client.get("/todos", headers={"Authorization": "Bearer alice.forged"})
    assert response.status_code == 401


def test_login_form_fields_are_validated(client: TestClient) -> None:
    response = client.post("/token", data={"username": "alice"})
    assert response.status_code == 422
    error = response.json()["detail"][0]
    assert error["type"] == "missing" and error["loc"] == ["body", "password"]


def test_create_read_update_delete(client: TestClient, alice: dict[str, str]) -> None:
    response = client.post("/todos", json={"title": "buy milk", "due": "2026-12-24"},
                           headers=alice)
    assert response.status_code == 201
    todo = response.json()
    assert todo == {"id": todo["id"], "title": "buy milk", "done": False,
                    "due": "2026-12-24", "attachments": []}
    assert response.headers["location"] == f"/todos/{todo['id']}"
    # Every interpreter sees it: the data lives in one SQLite file.
    for _ in range(4):
        assert client.get(f"/todos/{todo['id']}", headers=alice).json() == todo

    response = client.patch(f"/todos/{todo['id']}", json={"done": True}, headers=alice)
    assert response.json() == {**todo, "done": True}
    assert client.get("/todos?done=true", headers=alice).json() == [{**todo, "done": True}]
    assert client.get("/todos?done=false", headers=alice).json() == []

    assert client.delete(f"/todos/{todo['id']}", headers=alice).status_code == 204
    response = client.get(f"/todos/{todo['id']}", headers=alice)
    assert response.status_code == 404
    assert response.json() == {"detail": f"Todo {todo['id']} not found"}


def test_users_see_only_their_own_todos(client: TestClient, alice: dict[str, str],
                                        bob: dict[str, str]) -> None:
    todo = client.post("/todos", json={"title": "secret"}, headers=alice).json()
    assert client.get(f"/todos/{todo['id']}", headers=bob).status_code == 404
    assert all(t["title"] != "secret" for t in client.get("/todos", headers=bob).json())
    assert client.get("/me", headers=bob).json() == {"username": "bob"}


def test_invalid_input_gets_fastapi_errors(client: TestClient, alice: dict[str, str]) -> None:
    response = client.post("/todos", json={"title": ""}, headers=alice)
    assert response.status_code == 422
    error = response.json()["detail"][0]
    assert error["type"] == "string_too_short" and error["loc"] == ["body", "title"]
    response = client.get("/todos?limit=1000", headers=alice)
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "less_than_equal"
    response = client.get("/todos/abc", headers=alice)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "todo_id"]


def test_attachments_upload_and_download(client: TestClient, alice: dict[str, str],
                                         bob: dict[str, str]) -> None:
    todo = client.post("/todos", json={"title": "with files"}, headers=alice).json()
    content = os.urandom(200_000)
    response = client.post(f"/todos/{todo['id']}/attachments", headers=alice,
                           files={"file": ("plan.bin", content, "application/x-plan")})
    assert response.status_code == 201, response.text
    attachment = response.json()
    assert attachment["name"] == "plan.bin" and attachment["size"] == len(content)
    assert client.get(f"/todos/{todo['id']}", headers=alice).json()["attachments"] == [
        attachment]

    download = client.get(attachment["url"], headers=alice)
    assert download.status_code == 200 and download.content == content
    assert download.headers["content-type"] == "application/x-plan"
    assert 'filename="plan.bin"' in download.headers["content-disposition"]
    partial = client.get(attachment["url"], headers={**alice, "Range": "bytes=0-9"})
    assert partial.status_code == 206 and partial.content == content[:10]
    assert client.get(attachment["url"], headers=bob).status_code == 404

    response = client.post(f"/todos/{todo['id']}/attachments", headers=alice)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "file"]


def test_home_page_docs_and_openapi(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200 and "Todo API" in response.text
    assert response.url.path == "/static/"
    assert client.get("/docs").status_code == 200
    document = client.get("/openapi.json").json()
    assert document["info"] == {"title": "Todo API", "version": "1.0.0"}
    assert {"/token", "/me", "/todos", "/todos/{todo_id}",
            "/todos/{todo_id}/attachments"} <= set(document["paths"])
    assert "multipart/form-data" in \
        document["paths"]["/todos/{todo_id}/attachments"]["post"]["requestBody"]["content"]
