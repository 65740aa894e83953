"""Dependencies the routers share."""

from __future__ import annotations

from typing import Annotated

from auth import current_user
from store import Store, TodoRow

from fasterapi import Depends, Request


class TodoNotFound(Exception):
    """Raised for a todo the user does not have; the app answers it with 404."""

    def __init__(self, todo_id: int) -> None:
        super().__init__(todo_id)
        self.todo_id = todo_id


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


StoreDep = Annotated[Store, Depends(get_store)]
UserDep = Annotated[str, Depends(current_user)]


def owned_todo(todo_id: int, store: StoreDep, user: UserDep) -> TodoRow:
    todo = store.get(user, todo_id)
    if todo is None:
        raise TodoNotFound(todo_id)
    return todo


TodoDep = Annotated[TodoRow, Depends(owned_todo)]
