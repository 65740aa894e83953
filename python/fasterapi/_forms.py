"""Form data as Starlette shapes it: `FormData` of strings and `UploadFile`s.

The host parses form bodies in Go (protocols/form) and hands Python a record
(layout in server/form.go, `appendFormString`); `read_record` turns it into
a FormData without looking at multipart syntax again. File parts above
1 MiB arrive as temporary files that the host removes after the response.
"""

from __future__ import annotations

import io
import struct
from typing import IO, Any

from ._errors import fail
from ._validators import Validator
from .datastructures import Headers, ImmutableMultiDict

_MAGIC = b"FAF1"
_URLENCODED = 1
_U32 = struct.Struct("<I")
_U64 = struct.Struct("<Q")


class UploadFile:
    """An uploaded file (Starlette's API): `await read()`, `seek`, `write`, `close`.

    `file` is the underlying binary file object, for synchronous use. Reads
    and writes run inline: the content is in memory or in a local temporary
    file.
    """

    __slots__ = ("file", "filename", "headers", "size")

    def __init__(self, file: IO[bytes], *, size: int | None = None,
                 filename: str | None = None, headers: Headers | None = None) -> None:
        self.file = file
        self.size = size
        self.filename = filename
        self.headers = headers if headers is not None else Headers()

    @property
    def content_type(self) -> str | None:
        value: str | None = self.headers.get("content-type")
        return value

    async def write(self, data: bytes) -> None:
        if self.size is not None:
            self.size += len(data)
        self.file.write(data)

    async def read(self, size: int = -1) -> bytes:
        return self.file.read(size)

    async def seek(self, offset: int) -> None:
        self.file.seek(offset)

    async def close(self) -> None:
        self.file.close()

    @classmethod
    def __fasterapi_validator__(cls) -> Validator:
        return _UploadFileValidator()

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(filename={self.filename!r}, size={self.size!r}, "
                f"headers={self.headers!r})")


class _UploadFileValidator(Validator):
    tag = "UploadFile"

    def validate(self, value: Any) -> Any:
        if isinstance(value, UploadFile):
            return value
        # FastAPI's own wording, from its UploadFile validator.
        raise fail("value_error", value, f"Value error, Expected UploadFile, received: "
                   f"{type(value)}", {"error": {}})

    def is_exact(self, value: Any) -> bool:
        return isinstance(value, UploadFile)


FormValue = str | UploadFile


class FormData(ImmutableMultiDict[FormValue]):
    """Immutable multi-dict of form fields; `form[key]` is the last value (Starlette's)."""

    __slots__ = ()

    async def close(self) -> None:
        self.close_files()

    def close_files(self) -> None:
        for _, value in self._list:
            if isinstance(value, UploadFile):
                value.file.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.multi_items()!r})"


def _safe_decode(data: bytes, charset: str) -> str:
    # Starlette's _user_safe_decode: the body's charset, else latin-1.
    try:
        return data.decode(charset)
    except (UnicodeDecodeError, LookupError):
        return data.decode("latin-1")


def read_record(record: bytes) -> FormData:
    """The FormData of a form record made by the host."""
    if record[:4] != _MAGIC:
        raise ValueError("not a form record")
    view = memoryview(record)
    kind = record[4]
    pos = 5

    def take() -> bytes:
        nonlocal pos
        (n,) = _U32.unpack_from(view, pos)
        pos += 4 + n
        return bytes(view[pos - n:pos])

    charset = take().decode("latin-1") or "utf-8"
    if kind == _URLENCODED:
        # Starlette decodes urlencoded fields as UTF-8 whatever the charset says.
        def text(data: bytes) -> str:
            return data.decode("utf-8", "replace")
    else:
        def text(data: bytes) -> str:
            return _safe_decode(data, charset)
    items: list[tuple[str, FormValue]] = []
    end = len(record)
    while pos < end:
        tag = record[pos]
        pos += 1
        name = text(take())
        if tag == ord("f"):
            items.append((name, text(take())))
            continue
        filename = text(take())
        (count,) = _U32.unpack_from(view, pos)
        pos += 4
        raw_headers = [(take(), take()) for _ in range(count)]
        headers = Headers(raw=raw_headers)
        if tag == ord("m"):
            content = take()
            upload = UploadFile(io.BytesIO(content), size=len(content), filename=filename,
                                headers=headers)
        else:
            path = take().decode()
            (size,) = _U64.unpack_from(view, pos)
            pos += 8
            upload = UploadFile(open(path, "r+b"), size=size,  # noqa: SIM115
                                filename=filename, headers=headers)
        items.append((name, upload))
    return FormData(items)


def is_form_content_type(content_type: str | None) -> bool:
    if not content_type:
        return False
    media = content_type.split(";", 1)[0].strip().lower()
    return media in ("application/x-www-form-urlencoded", "multipart/form-data")


def form_of(raw: Any) -> FormData:
    """The form of a request: the host's record, or the raw body parsed by the host's parser.

    A body that is not a form (another content type) is an empty form, as in
    Starlette.
    """
    if getattr(raw, "body_is_form", False):
        return read_record(raw.body)
    content_type = None
    for name, value in raw.headers:
        if name == b"content-type":
            content_type = value.decode("latin-1")
            break
    if not is_form_content_type(content_type):
        return FormData()
    try:
        import _fasterapi
    except ImportError:
        raise RuntimeError("parsing a form needs the FasterAPI server "
                           "(`fasterapi serve`)") from None
    from .exceptions import HTTPException

    assert content_type is not None
    record, error = _fasterapi.parse_form(content_type.encode("latin-1"), raw.body)
    if error is not None:
        raise HTTPException(400, error)
    return read_record(record)
