"""/todos: the signed-in user's todos."""

from __future__ import annotations

from typing import Annotated

from deps import StoreDep, TodoDep, UserDep, current_user
from models import Attachment, Message, Todo, TodoIn, TodoPatch
from store import Store, TodoRow

from fasterapi import APIRouter, Depends, Query, Response, status

router = APIRouter(prefix="/todos", tags=["todos"], dependencies=[Depends(current_user)],
                   responses={401: {"model": Message, "description": "Not signed in"}})

NOT_FOUND = {404: {"model": Message, "description": "No such todo"}}


def to_model(store: Store, todo: TodoRow) -> Todo:
    attachments = [
        Attachment(name=a.name, content_type=a.content_type, size=a.size,
                   url=f"/todos/{todo.id}/attachments/{a.stored_name}")
        for a in store.attachments(todo.id)]
    return Todo(id=todo.id, title=todo.title, done=todo.done, due=todo.due,
                attachments=attachments)


@router.get("")
def list_todos(store: StoreDep, user: UserDep, done: bool | None = None,
               limit: Annotated[int, Query(ge=1, le=100)] = 20,
               offset: Annotated[int, Query(ge=0)] = 0) -> list[Todo]:
    """The user's todos, oldest first; `done` filters them."""
    return [to_model(store, todo) for todo in store.list(user, done, limit, offset)]


@router.post("", status_code=status.HTTP_201_CREATED)
def create_todo(todo: TodoIn, store: StoreDep, user: UserDep, response: Response) -> Todo:
    row = store.add(user, todo.title, todo.done, todo.due)
    response.headers["location"] = f"/todos/{row.id}"
    return to_model(store, row)


@router.get("/{todo_id}", responses=NOT_FOUND)
def read_todo(todo: TodoDep, store: StoreDep) -> Todo:
    return to_model(store, todo)


@router.patch("/{todo_id}", responses=NOT_FOUND)
def update_todo(todo: TodoDep, patch: TodoPatch, store: StoreDep, user: UserDep) -> Todo:
    """Change the fields the request names; the others stay as they are."""
    updated = store.update(user, todo.id, patch.model_dump(exclude_unset=True))
    assert updated is not None
    return to_model(store, updated)


@router.delete("/{todo_id}", status_code=status.HTTP_204_NO_CONTENT, responses=NOT_FOUND)
def delete_todo(todo: TodoDep, store: StoreDep, user: UserDep) -> None:
    for stored_name in store.delete(user, todo.id):
        (store.files / stored_name).unlink(missing_ok=True)
