"""The `Request` a handler can ask for, built over the host's raw request.

Most handlers never touch headers, cookies or the URL, so nothing is decoded
until first use and each result is cached on the instance.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator
from typing import TYPE_CHECKING, Any

from .datastructures import URL, Address, Headers, QueryParams, State

if TYPE_CHECKING:
    from ._forms import FormData
    from ._raw import RawRequest

_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


def parse_cookie_header(header: str) -> dict[str, str]:
    """Cookie header -> dict, lenient the way browsers are.

    A chunk without '=' is a value with an empty name; quoted values are
    unquoted with the escapes Python's http.cookies understands.
    """
    cookies: dict[str, str] = {}
    for chunk in header.split(";"):
        key, sep, value = chunk.partition("=")
        if not sep:
            key, value = "", chunk
        key = key.strip()
        value = value.strip()
        if key or value:
            cookies[key] = _unquote_cookie(value)
    return cookies


def _unquote_cookie(value: str) -> str:
    if len(value) < 2 or value[0] != '"' or value[-1] != '"':
        return value
    inner = value[1:-1]
    if "\\" not in inner:
        return inner
    out: list[str] = []
    i = 0
    while i < len(inner):
        char = inner[i]
        if char != "\\":
            out.append(char)
            i += 1
            continue
        octal = inner[i + 1:i + 4]
        if len(octal) == 3 and all(c in "01234567" for c in octal):
            out.append(chr(int(octal, 8)))
            i += 4
        else:
            out.append(inner[i + 1:i + 2])
            i += 2
    return "".join(out)


def _valid_host_header(host: str) -> bool:
    # A Host with a non-numeric port is not trusted for building URLs.
    if host.startswith("["):
        end = host.find("]")
        if end < 0:
            return False
        rest = host[end + 1:]
        return rest == "" or (rest[0] == ":" and (rest[1:].isdigit() or rest == ":"))
    _, sep, port = host.rpartition(":")
    return not sep or port == "" or port.isdigit()


class Request:
    """One HTTP request, Starlette-compatible where handlers read it."""

    def __init__(self, raw: RawRequest, app: Any = None) -> None:
        self._raw = raw
        self.app = app
        self._headers: Headers | None = None
        self._query_params: QueryParams | None = None
        self._cookies: dict[str, str] | None = None
        self._url: URL | None = None
        self._base_url: URL | None = None
        self._state: State | None = None
        self._json: Any = _UNREAD
        self._scope: dict[str, Any] | None = None
        self._form: FormData | None = None

    @property
    def method(self) -> str:
        return self._raw.method

    @property
    def headers(self) -> Headers:
        if self._headers is None:
            self._headers = Headers(raw=self._raw.headers)
        return self._headers

    @property
    def query_params(self) -> QueryParams:
        if self._query_params is None:
            self._query_params = QueryParams(self._raw.query_string)
        return self._query_params

    @property
    def path_params(self) -> dict[str, Any]:
        return self._raw.path_params

    @property
    def cookies(self) -> dict[str, str]:
        if self._cookies is None:
            header = self.headers.get("cookie")
            self._cookies = parse_cookie_header(header) if header else {}
        return self._cookies

    @property
    def client(self) -> Address | None:
        client = self._raw.client
        return None if client is None else Address(client[0], client[1])

    @property
    def state(self) -> State:
        if self._state is None:
            self._state = State()
        return self._state

    def _netloc(self) -> str | None:
        host = self.headers.get("host")
        if host and _valid_host_header(host):
            return str(host)
        server = self._raw.server
        if server is None:
            return None
        name, port = server
        if ":" in name and not name.startswith("["):
            name = f"[{name}]"
        if port == _DEFAULT_PORTS.get(self._raw.scheme):
            return name
        return f"{name}:{port}"

    @property
    def url(self) -> URL:
        if self._url is None:
            raw = self._raw
            # The path is the decoded one, re-escaping only what would
            # otherwise start a query or fragment (Starlette does the same).
            path = raw.path.replace("?", "%3F").replace("#", "%23").replace("\\", "%5C")
            query = raw.query_string.decode(errors="replace")
            netloc = self._netloc()
            text = path if netloc is None else f"{raw.scheme}://{netloc}{path}"
            if query:
                text = f"{text}?{query}"
            self._url = URL(text)
        return self._url

    @property
    def base_url(self) -> URL:
        if self._base_url is None:
            netloc = self._netloc()
            self._base_url = URL("/" if netloc is None else f"{self._raw.scheme}://{netloc}/")
        return self._base_url

    @property
    def scope(self) -> dict[str, Any]:
        """An ASGI-shaped dict for code that reads `request.scope[...]`."""
        if self._scope is None:
            raw = self._raw
            self._scope = {
                "type": "http",
                "asgi": {"version": "3.0", "spec_version": "2.3"},
                "http_version": raw.http_version,
                "method": raw.method,
                "scheme": raw.scheme,
                "path": raw.path,
                "raw_path": raw.raw_path,
                "root_path": "",
                "query_string": raw.query_string,
                "headers": raw.headers,
                "client": raw.client,
                "server": raw.server,
                "path_params": raw.path_params,
                "app": self.app,
            }
        return self._scope

    async def body(self) -> bytes:
        if getattr(self._raw, "body_is_form", False):
            # The host parsed the form (the route has Form/File parameters): as in
            # Starlette once request.form() has read the stream.
            raise RuntimeError("Stream consumed")
        return self._raw.body

    async def stream(self) -> AsyncIterator[bytes]:
        """The body as chunks, then b"" (Starlette's API). The host receives request bodies
        whole, bounded by --max-body-size, so a non-empty body comes as one chunk."""
        body = await self.body()
        if body:
            yield body
        yield b""

    async def json(self) -> Any:
        if self._json is _UNREAD:
            import json

            self._json = json.loads(await self.body())
        return self._json

    def form(self, *, max_files: int | float = 1000, max_fields: int | float = 1000,
             max_part_size: int = 1024 * 1024) -> _FormRead:
        """The form body as FormData; `await request.form()` or `async with request.form()`.

        The host parses it with Starlette's default limits (1000 files, 1000 fields,
        1 MiB per field); other limits raise ValueError rather than being ignored.
        """
        if (max_files, max_fields, max_part_size) != (1000, 1000, 1024 * 1024):
            raise ValueError("request.form() limits other than the defaults are not supported "
                             "yet (the host parses forms with max_files=1000, "
                             "max_fields=1000, max_part_size=1 MiB)")
        return _FormRead(self)

    def _read_form(self) -> FormData:
        if self._form is None:
            from ._forms import form_of

            self._form = form_of(self._raw)
        return self._form

    async def close(self) -> None:
        if self._form is not None:
            self._form.close_files()

    async def is_disconnected(self) -> bool:
        """Whether the client went away: it closed the connection or, over HTTP/2, reset
        the request's stream."""
        token: int = getattr(self._raw, "token", 0)
        if not token:  # outside the host (unit tests): nobody can leave
            return False
        import _fasterapi

        from ._stream import OP_PROBE

        gone: bool = _fasterapi.send(token, OP_PROBE, 0, None) < 0
        return gone

    def __repr__(self) -> str:
        return f"<Request {self.method} {self._raw.path}>"


class _FormRead:
    """What request.form() returns: awaitable, and an async context manager that closes
    the form's files on exit (Starlette's AwaitableOrContextManager)."""

    __slots__ = ("_request",)

    def __init__(self, request: Request) -> None:
        self._request = request

    def __await__(self) -> Generator[Any, None, FormData]:
        return self._get().__await__()

    async def _get(self) -> FormData:
        return self._request._read_form()

    async def __aenter__(self) -> FormData:
        return self._request._read_form()

    async def __aexit__(self, *exc: object) -> None:
        await self._request.close()


class _Unread:
    pass


_UNREAD: Any = _Unread()
