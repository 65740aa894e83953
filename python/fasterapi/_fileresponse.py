"""FileResponse: a file sent by the Go host, never read into Python.

The handler's process only names the file: the host opens it, adds
content-length, last-modified and etag (Starlette's MD5 of "mtime-size"), answers
If-None-Match / If-Modified-Since with 304 and a single Range with 206, and sends
the bytes with sendfile(2) over HTTP/1.1. Imported by `fasterapi.responses`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from .responses import Response


class FileResponse(Response):
    """Starlette's `FileResponse(path, status_code, headers, media_type, filename, ...)`.

    `stat_result` is accepted for compatibility and ignored: the host stats the
    file when it sends it, so the validators always describe what is sent.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        media_type: str | None = None,
        background: Any = None,
        filename: str | None = None,
        stat_result: os.stat_result | None = None,
        method: str | None = None,
        content_disposition_type: str = "attachment",
    ) -> None:
        if background is not None:
            raise TypeError("FileResponse(background=...) is not supported yet")
        # Imported on first use: importing fasterapi stays light (tests/test_init.py).
        from mimetypes import guess_type
        from urllib.parse import quote

        self.path = os.fspath(path)
        self.filename = filename
        if media_type is None:
            media_type = guess_type(filename or self.path)[0] or "application/octet-stream"
        self.media_type = media_type
        self.status_code = status_code
        self.body = b""
        self.raw_headers = self._initial_headers(headers)
        names = {name for name, _ in self.raw_headers}
        if b"accept-ranges" not in names:
            self.raw_headers.append((b"accept-ranges", b"bytes"))
        if filename is not None and b"content-disposition" not in names:
            quoted = quote(filename)
            if quoted != filename:  # RFC 6266 §4.3 / RFC 5987: filename*=utf-8''...
                disposition = f"{content_disposition_type}; filename*=utf-8''{quoted}"
            else:
                disposition = f'{content_disposition_type}; filename="{filename}"'
            self.raw_headers.append((b"content-disposition", disposition.encode("latin-1")))
