"""The API's data shapes: what clients send and what they get back."""

from __future__ import annotations

import datetime

from fasterapi import Field, Model


class TodoIn(Model):
    title: str = Field(min_length=1, max_length=200, description="What is to be done")
    done: bool = False
    due: datetime.date | None = None


class TodoPatch(Model):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    done: bool | None = None
    due: datetime.date | None = None


class Attachment(Model):
    name: str
    content_type: str
    size: int
    url: str


class Todo(Model):
    id: int
    title: str
    done: bool
    due: datetime.date | None = None
    attachments: list[Attachment] = Field(default_factory=list)


class Token(Model):
    access_token: str
    token_type: str = "bearer"


class Message(Model):
    detail: str
