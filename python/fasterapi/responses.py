"""Response classes a handler may return, with Starlette's constructor API.

The host writes the status line, computes Content-Length and sends the body,
so a response here is just data: `status_code`, `body` and `raw_headers`
(lower-case names, content-type included, content-length never).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from .datastructures import MutableHeaders


class Response:
    media_type: str | None = None
    charset = "utf-8"
    # A BackgroundTask run once the response is on its way (Starlette's `background=`).
    background: Any = None

    def __init__(self, content: Any = None, status_code: int = 200,
                 headers: Mapping[str, str] | None = None,
                 media_type: str | None = None, background: Any = None) -> None:
        if background is not None:
            self.background = background
        self.status_code = status_code
        if media_type is not None:
            self.media_type = media_type
        self.body = self.render(content)
        self.raw_headers = self._initial_headers(headers)

    def render(self, content: Any) -> bytes:
        if content is None:
            return b""
        if isinstance(content, (bytes, memoryview)):
            return bytes(content)
        if isinstance(content, str):
            return content.encode(self.charset)
        raise TypeError(
            f"{type(self).__name__} content must be str or bytes, not {type(content).__name__}"
        )

    def _initial_headers(self, headers: Mapping[str, str] | None) -> list[tuple[bytes, bytes]]:
        raw: list[tuple[bytes, bytes]] = []
        has_content_type = False
        if headers:
            for key, value in headers.items():
                name = key.lower().encode("latin-1")
                if name == b"content-length":
                    continue  # the host always computes it from the body
                has_content_type = has_content_type or name == b"content-type"
                raw.append((name, value.encode("latin-1")))
        media_type = self.media_type
        if media_type is not None and not has_content_type:
            if media_type.startswith("text/") and "charset=" not in media_type.lower():
                media_type += "; charset=" + self.charset
            raw.append((b"content-type", media_type.encode("latin-1")))
        return raw

    @property
    def headers(self) -> MutableHeaders:
        """Editable view; changes write through to `raw_headers`."""
        return MutableHeaders(raw=self.raw_headers)

    def set_cookie(
        self,
        key: str,
        value: str = "",
        max_age: int | None = None,
        expires: Any = None,
        path: str | None = "/",
        domain: str | None = None,
        secure: bool = False,
        httponly: bool = False,
        samesite: Literal["lax", "strict", "none"] | None = "lax",
        partitioned: bool = False,
    ) -> None:
        # http.cookies does the quoting and attribute formatting browsers
        # expect, and is what Starlette's output is made of.
        from http.cookies import SimpleCookie

        cookie: SimpleCookie = SimpleCookie()
        cookie[key] = value
        morsel = cookie[key]
        if max_age is not None:
            morsel["max-age"] = max_age
        if expires is not None:
            if hasattr(expires, "strftime"):
                from email.utils import format_datetime

                morsel["expires"] = format_datetime(expires, usegmt=True)
            else:
                morsel["expires"] = expires
        if path is not None:
            morsel["path"] = path
        if domain is not None:
            morsel["domain"] = domain
        if secure:
            morsel["secure"] = True
        if httponly:
            morsel["httponly"] = True
        if samesite is not None:
            if samesite.lower() not in ("strict", "lax", "none"):
                raise ValueError("samesite must be either 'strict', 'lax' or 'none'")
            morsel["samesite"] = samesite
        if partitioned:
            import sys

            if sys.version_info < (3, 14):
                raise ValueError("Partitioned cookies are only supported in Python 3.14 and above.")
            morsel["partitioned"] = True
        line = cookie.output(header="").strip()
        self.raw_headers.append((b"set-cookie", line.encode("latin-1")))

    def delete_cookie(
        self,
        key: str,
        path: str = "/",
        domain: str | None = None,
        secure: bool = False,
        httponly: bool = False,
        samesite: Literal["lax", "strict", "none"] | None = "lax",
    ) -> None:
        self.set_cookie(key, max_age=0, expires=0, path=path, domain=domain,
                        secure=secure, httponly=httponly, samesite=samesite)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} status_code={self.status_code}>"


class JSONResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        from ._json import dumps

        return dumps(content)


class PlainTextResponse(Response):
    media_type = "text/plain"


class HTMLResponse(Response):
    media_type = "text/html"


class RedirectResponse(Response):
    def __init__(self, url: Any, status_code: int = 307,
                 headers: Mapping[str, str] | None = None, background: Any = None) -> None:
        super().__init__(content=b"", status_code=status_code, headers=headers,
                         background=background)
        from urllib.parse import quote

        # Escape what cannot appear in a Location header but keep every
        # character that already has URL meaning.
        location = quote(str(url), safe=":/%#?=@[]!$&'()*+,;")
        self.headers["location"] = location


class StreamingResponse(Response):
    """A body produced piece by piece by a sync or async iterator of str/bytes.

    The host sends each piece as it comes (chunked on HTTP/1.1), waits while the client is
    slow to read, and cancels the iteration as soon as the client goes away.
    """

    def __init__(self, content: Any, status_code: int = 200,
                 headers: Mapping[str, str] | None = None,
                 media_type: str | None = None, background: Any = None) -> None:
        super().__init__(None, status_code=status_code, headers=headers, media_type=media_type,
                         background=background)
        if isinstance(content, (str, bytes, memoryview)):
            raise TypeError("StreamingResponse content must be an iterator or async iterator; "
                            "use Response for a complete body")
        self.body_iterator = content


# Defined in its own module, which needs Response above; users import it from here.
from ._fileresponse import FileResponse  # noqa: E402, F401 - re-exported
