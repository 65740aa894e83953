"""Form and upload routes, served under FastAPI (with python-multipart) and FasterAPI by
tests/py/test_e2e_forms.py (see tests/py/diff_support.py)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Annotated, Any

from framework import fw

Form, File, UploadFile, Depends, Request = fw.Form, fw.File, fw.UploadFile, fw.Depends, fw.Request
security = fw.security

app = fw.FastAPI()


class Profile(fw.Model):
    name: str
    age: int
    tags: list[str]


@dataclass
class Point:
    x: int
    y: int


@app.post("/login")
def login(username: Annotated[str, Form()], password: str = Form(min_length=3),
          remember: bool = Form(False), n: int = Form(5)) -> dict[str, Any]:
    return {"username": username, "password": password, "remember": remember, "n": n}


@app.post("/tags")
def tags(tag: Annotated[list[str], Form()], note: str | None = Form(None)) -> dict[str, Any]:
    return {"tag": tag, "note": note}


@app.post("/profile")
def profile(data: Annotated[Profile, Form()]) -> dict[str, Any]:
    return {"name": data.name, "age": data.age, "tags": data.tags}


@app.post("/point")
def point(p: Annotated[Point, Form()]) -> dict[str, Any]:
    return {"p": [p.x, p.y]}


@app.post("/upload")
async def upload(file: UploadFile, note: str = Form("")) -> dict[str, Any]:
    content = await file.read()
    await file.seek(0)
    again = await file.read(3)
    return {"filename": file.filename, "content_type": file.content_type, "size": file.size,
            "length": len(content), "sha256": hashlib.sha256(content).hexdigest(),
            "again": again.decode("latin-1"), "note": note,
            "x_header": file.headers.get("x-extra")}


@app.post("/upload-sync")
def upload_sync(file: Annotated[UploadFile, File()]) -> dict[str, Any]:
    digest = hashlib.sha256()
    while chunk := file.file.read(1 << 16):
        digest.update(chunk)
    return {"filename": file.filename, "size": file.size, "sha256": digest.hexdigest()}


@app.post("/bytes")
def raw_bytes(data: Annotated[bytes, File()],
              extra: Annotated[list[bytes], File()] = []) -> dict[str, Any]:  # noqa: B006
    return {"length": len(data), "head": data[:10].decode("latin-1"),
            "extra": [len(e) for e in extra]}


@app.post("/many")
async def many(files: list[UploadFile], label: str = Form()) -> dict[str, Any]:
    return {"label": label, "files": [[f.filename, len(await f.read())] for f in files]}


@app.post("/optional-file")
async def optional_file(file: UploadFile | None = None) -> dict[str, Any]:
    return {"file": None if file is None else file.filename}


@app.post("/write")
async def write(file: UploadFile) -> dict[str, Any]:
    await file.write(b"+more")
    await file.seek(0)
    return {"content": (await file.read()).decode(), "size": file.size}


@app.post("/token")
def token(form: Annotated[Any, Depends(security.OAuth2PasswordRequestForm)]) -> dict[str, Any]:
    return {"username": form.username, "password": form.password, "scopes": form.scopes,
            "grant_type": form.grant_type, "client_id": form.client_id}


@app.post("/token-strict")
def token_strict(form: Annotated[Any, Depends(security.OAuth2PasswordRequestFormStrict)]
                 ) -> dict[str, Any]:
    return {"username": form.username, "grant_type": form.grant_type}


def _describe(value: Any) -> Any:
    if isinstance(value, str):
        return value
    return {"filename": value.filename, "content_type": value.content_type, "size": value.size}


@app.post("/raw-form")
async def raw_form(request: Request) -> dict[str, Any]:
    form = await request.form()
    return {"items": [[k, _describe(v)] for k, v in form.multi_items()]}


@app.post("/raw-body")
async def raw_body(request: Request) -> dict[str, Any]:
    return {"length": len(await request.body())}
