"""Todos in SQLite: one file shared by every interpreter of the server.

Each interpreter keeps its own in-memory state (see README, "Lifespan"), so the data
lives in a database file that all of them open; SQLite's locking serialises writers.
"""

from __future__ import annotations

import datetime
import os
import secrets
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = """
create table if not exists todos (
    id integer primary key,
    owner text not null,
    title text not null,
    done integer not null default 0,
    due text
);
create table if not exists attachments (
    id integer primary key,
    todo_id integer not null references todos(id) on delete cascade,
    name text not null,
    stored_name text not null,
    content_type text not null,
    size integer not null
);
"""


def data_dir() -> Path:
    """Where the database, the uploaded files and the token key live: $APP_DATA_DIR, or
    ./app-data."""
    path = Path(os.environ.get("APP_DATA_DIR", "app-data")).resolve()
    (path / "files").mkdir(parents=True, exist_ok=True)
    return path


def signing_key(directory: Path) -> bytes:
    """The key that signs tokens, made at random on first use and kept beside the database,
    so every interpreter of the server (and its next start) signs alike."""
    key_file = directory / "token.key"
    if not key_file.exists():
        draft = directory / f"token.key.{os.getpid()}.{secrets.token_hex(4)}"
        draft.write_bytes(secrets.token_bytes(32))
        try:
            os.link(draft, key_file)  # atomic: the first interpreter's key wins, whole
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return key_file.read_bytes()


@dataclass
class TodoRow:
    id: int
    title: str
    done: bool
    due: datetime.date | None


@dataclass
class AttachmentRow:
    name: str
    stored_name: str
    content_type: str
    size: int


class Store:
    """The todos of every user; one per interpreter, opened by the app's lifespan."""

    def __init__(self, directory: Path) -> None:
        self.files = directory / "files"
        self.db = sqlite3.connect(directory / "todo.sqlite", timeout=10,
                                  check_same_thread=False, isolation_level=None)
        self.db.execute("pragma journal_mode=wal")
        self.db.execute("pragma foreign_keys=on")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def list(self, owner: str, done: bool | None, limit: int, offset: int) -> list[TodoRow]:
        query = "select id, title, done, due from todos where owner = ?"
        args: list[Any] = [owner]
        if done is not None:
            query += " and done = ?"
            args.append(int(done))
        query += " order by id limit ? offset ?"
        return [_todo(row) for row in self.db.execute(query, [*args, limit, offset])]

    def get(self, owner: str, todo_id: int) -> TodoRow | None:
        row = self.db.execute("select id, title, done, due from todos where owner = ? and id = ?",
                              (owner, todo_id)).fetchone()
        return _todo(row) if row else None

    def add(self, owner: str, title: str, done: bool, due: datetime.date | None) -> TodoRow:
        cursor = self.db.execute(
            "insert into todos (owner, title, done, due) values (?, ?, ?, ?)",
            (owner, title, int(done), due.isoformat() if due else None))
        assert cursor.lastrowid is not None
        return TodoRow(cursor.lastrowid, title, done, due)

    def update(self, owner: str, todo_id: int, changes: dict[str, Any]) -> TodoRow | None:
        columns = {"title": str, "done": int, "due": lambda d: d.isoformat() if d else None}
        for name, value in changes.items():
            self.db.execute(f"update todos set {name} = ? where owner = ? and id = ?",
                            (columns[name](value), owner, todo_id))
        return self.get(owner, todo_id)

    def delete(self, owner: str, todo_id: int) -> list[str]:
        """Delete a todo; returns the stored names of its attachments (to remove)."""
        stored = [a.stored_name for a in self.attachments(todo_id)]
        self.db.execute("delete from todos where owner = ? and id = ?", (owner, todo_id))
        return stored

    def attachments(self, todo_id: int) -> list[AttachmentRow]:
        rows = self.db.execute("select name, stored_name, content_type, size from attachments "
                               "where todo_id = ? order by id", (todo_id,))
        return [AttachmentRow(*row) for row in rows]

    def attach(self, todo_id: int, attachment: AttachmentRow) -> None:
        self.db.execute(
            "insert into attachments (todo_id, name, stored_name, content_type, size) "
            "values (?, ?, ?, ?, ?)",
            (todo_id, attachment.name, attachment.stored_name, attachment.content_type,
             attachment.size))


def _todo(row: tuple[Any, ...]) -> TodoRow:
    todo_id, title, done, due = row
    return TodoRow(todo_id, title, bool(done), datetime.date.fromisoformat(due) if due else None)
