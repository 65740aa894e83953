"""Test helpers: a stand-in for the Go host.

`HostClient` does what the host does around `_dispatch`: pick the route from
the route table, build the raw request, and turn a plain return value into
JSON with the route's default status. That lets unit tests talk HTTP-ish
without a server (tests/py/test_diff_*.py compare the real server with FastAPI).
"""

from __future__ import annotations

import json as jsonlib
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from fasterapi._json import py_dumps
from fasterapi._raw import PyRawRequest
from fasterapi.applications import FasterAPI
from fasterapi.responses import Response


@dataclass
class Result:
    status_code: int
    headers: list[tuple[str, str]]
    content: bytes
    plain: bool  # True when _dispatch returned a value, not a Response

    def json(self) -> Any:
        return jsonlib.loads(self.content)

    @property
    def text(self) -> str:
        return self.content.decode()

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key == name:
                return value
        return None


def _template_regex(template: str) -> re.Pattern[str]:
    pattern = ""
    last = 0
    for match in re.finditer(r"{([^{}:]+)(?::([^{}]*))?}", template):
        pattern += re.escape(template[last:match.start()])
        name, convertor = match.group(1), match.group(2)
        pattern += f"(?P<{name}>.*)" if convertor == "path" else f"(?P<{name}>[^/]+)"
        last = match.end()
    pattern += re.escape(template[last:])
    return re.compile(pattern + r"\Z")


class HostClient:
    def __init__(self, app: FasterAPI) -> None:
        self.app = app
        self.table = app.route_table()
        self.patterns = [_template_regex(entry[0]) for entry in self.table]

    def request(self, method: str, url: str, *, json: Any = None, content: bytes | None = None,
                headers: list[tuple[str, str]] | dict[str, str] | None = None) -> Result:
        parts = urlsplit(url)
        path = unquote(parts.path)
        header_list = list(headers.items()) if isinstance(headers, dict) else list(headers or [])
        body = b""
        if json is not None:
            body = jsonlib.dumps(json).encode()
            header_list.append(("content-type", "application/json"))
        elif content is not None:
            body = content
        raw_headers = [(b"host", b"testserver")] + [
            (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in header_list
        ]
        routes = zip(self.patterns, self.table, strict=True)
        for index, (pattern, entry) in enumerate(routes):
            methods, status = entry[1], entry[2]
            found = pattern.match(path)
            if found is None or method.upper() not in methods:
                continue
            raw = PyRawRequest(
                method=method.upper(), path=path, raw_path=parts.path.encode(),
                query_string=parts.query.encode(), headers=raw_headers, body=body,
                client=("testclient", 50000), server=("testserver", 80),
                path_params=found.groupdict(),
            )
            result = self.app._dispatch(index, raw)
            if isinstance(result, Response):
                for name, _ in result.raw_headers:
                    assert name == name.lower() and name != b"content-length"
                return Result(result.status_code,
                              [(k.decode("latin-1"), v.decode("latin-1"))
                               for k, v in result.raw_headers],
                              result.body, plain=False)
            return Result(status, [("content-type", "application/json")], py_dumps(result),
                          plain=True)
        raise AssertionError(f"no route for {method} {url}")

    def get(self, url: str, **kwargs: Any) -> Result:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> Result:
        return self.request("POST", url, **kwargs)

    def put(self, url: str, **kwargs: Any) -> Result:
        return self.request("PUT", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> Result:
        return self.request("DELETE", url, **kwargs)

