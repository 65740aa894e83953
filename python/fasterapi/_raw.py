"""The request shape the Go host hands to `_dispatch`, and a Python twin.

The host passes a `_fasterapi.RawRequest` (a C type). Tests and tools that
run without the host build `PyRawRequest`, which has the same attributes, so
everything above this module is written against the `RawRequest` protocol.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


class RawRequest(Protocol):
    @property
    def method(self) -> str: ...
    @property
    def path(self) -> str: ...  # percent-decoded
    @property
    def raw_path(self) -> bytes: ...
    @property
    def query_string(self) -> bytes: ...  # still percent-encoded
    @property
    def headers(self) -> list[tuple[bytes, bytes]]: ...  # lower-case names, in order
    @property
    def body(self) -> bytes: ...
    @property
    def body_is_form(self) -> bool: ...  # body is the host's record of a parsed form
    @property
    def client(self) -> tuple[str, int] | None: ...
    @property
    def server(self) -> tuple[str, int] | None: ...
    @property
    def scheme(self) -> str: ...
    @property
    def http_version(self) -> str: ...
    @property
    def path_params(self) -> dict[str, str]: ...  # percent-decoded, unconverted
    @property
    def token(self) -> int: ...  # the host's name for the connection; 0 outside the host


@dataclass
class PyRawRequest:
    method: str = "GET"
    path: str = "/"
    raw_path: bytes = b""
    query_string: bytes = b""
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    body: bytes = b""
    body_is_form: bool = False
    client: tuple[str, int] | None = ("127.0.0.1", 50000)
    server: tuple[str, int] | None = ("127.0.0.1", 8000)
    scheme: str = "http"
    http_version: str = "1.1"
    path_params: dict[str, str] = field(default_factory=dict)
    token: int = 0

    def __post_init__(self) -> None:
        # Saves tests from spelling the path twice; the host always sends both.
        if not self.raw_path:
            self.raw_path = self.path.encode()
