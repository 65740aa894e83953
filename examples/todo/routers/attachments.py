"""/todos/{id}/attachments: files uploaded to a todo, stored on disk, served from Go."""

from __future__ import annotations

import secrets
from pathlib import PurePath
from typing import Annotated

from deps import StoreDep, TodoDep
from models import Attachment, Message
from store import AttachmentRow

from fasterapi import APIRouter, File, HTTPException, UploadFile, status
from fasterapi.responses import FileResponse

router = APIRouter(prefix="/todos/{todo_id}/attachments", tags=["attachments"],
                   responses={404: {"model": Message, "description": "No such todo"}})

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
CHUNK = 64 * 1024


@router.post("", status_code=status.HTTP_201_CREATED)
def upload(todo: TodoDep, store: StoreDep,
                 file: Annotated[UploadFile, File(description="The file to attach")]
                 ) -> Attachment:
    name = PurePath(file.filename or "attachment").name
    stored_name = f"{secrets.token_hex(8)}-{name}"
    size = 0
    with open(store.files / stored_name, "wb") as out:
        while chunk := file.file.read(CHUNK):
            size += len(chunk)
            if size > MAX_ATTACHMENT_BYTES:
                out.close()
                (store.files / stored_name).unlink()
                raise HTTPException(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
                                    f"Attachments are limited to {MAX_ATTACHMENT_BYTES} bytes")
            out.write(chunk)
    content_type = file.content_type or "application/octet-stream"
    store.attach(todo.id, AttachmentRow(name, stored_name, content_type, size))
    return Attachment(name=name, content_type=content_type, size=size,
                      url=f"/todos/{todo.id}/attachments/{stored_name}")


@router.get("/{stored_name}", response_class=FileResponse)
def download(todo: TodoDep, store: StoreDep, stored_name: str) -> FileResponse:
    for attachment in store.attachments(todo.id):
        if attachment.stored_name == stored_name:
            return FileResponse(store.files / stored_name, media_type=attachment.content_type,
                                filename=attachment.name)
    raise HTTPException(status.HTTP_404_NOT_FOUND, "No such attachment")
