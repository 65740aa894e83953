"""CORSMiddleware with Starlette's options and answers, run by the Go server."""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from ._base import GoMiddleware, check_type, string_list

ALL_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "QUERY")
SAFELISTED_HEADERS = {"Accept", "Accept-Language", "Content-Language", "Content-Type"}


class CORSMiddleware(GoMiddleware):
    """Cross-origin resource sharing, as Starlette's CORSMiddleware.

    The header sets are worked out here exactly as Starlette does; the server applies them:
    a preflight (OPTIONS with Origin and Access-Control-Request-Method) is answered 200 "OK",
    or 400 "Disallowed CORS origin, method, headers"; other answers get the simple headers
    and `Vary: Origin`.
    """

    go_name = "cors"

    def __init__(
        self,
        app: Any = None,
        allow_origins: Collection[str] = (),
        allow_methods: Collection[str] = ("GET",),
        allow_headers: Collection[str] = (),
        allow_credentials: bool = False,
        allow_origin_regex: str | None = None,
        allow_private_network: bool = False,
        expose_headers: Collection[str] = (),
        max_age: int = 600,
    ) -> None:
        super().__init__(app)
        owner = "CORSMiddleware"
        origins = string_list(owner, "allow_origins", allow_origins)
        methods = string_list(owner, "allow_methods", allow_methods)
        headers = string_list(owner, "allow_headers", allow_headers)
        exposed = string_list(owner, "expose_headers", expose_headers)
        check_type(owner, "allow_credentials", allow_credentials, bool)
        check_type(owner, "allow_private_network", allow_private_network, bool)
        check_type(owner, "max_age", max_age, int)
        if allow_origin_regex is not None:
            check_type(owner, "allow_origin_regex", allow_origin_regex, str)
            try:
                re.compile(allow_origin_regex)
            except re.error as exc:
                raise ValueError(f"CORSMiddleware(allow_origin_regex={allow_origin_regex!r}) "
                                 f"is not a valid regular expression: {exc}") from None
        for option, values in (("allow_headers", headers), ("expose_headers", exposed),
                               ("allow_methods", methods), ("allow_origins", origins)):
            for value in values:
                if any(c in value for c in "\r\n\0"):
                    raise ValueError(f"CORSMiddleware({option}=...) contains {value!r}, "
                                     "which has a CR, LF or NUL")

        if "*" in methods:
            methods = list(ALL_METHODS)
        allow_all_origins = "*" in origins
        allow_all_headers = "*" in headers
        preflight_explicit_allow_origin = not allow_all_origins or allow_credentials

        simple_headers: dict[str, str] = {}
        if allow_all_origins:
            simple_headers["Access-Control-Allow-Origin"] = "*"
        if allow_credentials:
            simple_headers["Access-Control-Allow-Credentials"] = "true"
        if exposed:
            simple_headers["Access-Control-Expose-Headers"] = ", ".join(exposed)

        preflight_headers: dict[str, str] = {
            "Vary": "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
                    "Access-Control-Request-Private-Network"
        }
        if not preflight_explicit_allow_origin:
            preflight_headers["Access-Control-Allow-Origin"] = "*"
        preflight_headers.update({
            "Access-Control-Allow-Methods": ", ".join(methods),
            "Access-Control-Max-Age": str(max_age),
        })
        sorted_headers = sorted(SAFELISTED_HEADERS | set(headers))
        if sorted_headers and not allow_all_headers:
            preflight_headers["Access-Control-Allow-Headers"] = ", ".join(sorted_headers)
        if allow_credentials:
            preflight_headers["Access-Control-Allow-Credentials"] = "true"

        self.allow_origins = origins
        self.allow_methods = methods
        self.allow_headers = [h.lower() for h in sorted_headers]
        self.allow_all_origins = allow_all_origins
        self.allow_all_headers = allow_all_headers
        self.allow_credentials = allow_credentials
        self.preflight_explicit_allow_origin = preflight_explicit_allow_origin
        self.allow_origin_regex = allow_origin_regex
        self.allow_private_network = allow_private_network
        self.simple_headers = simple_headers
        self.preflight_headers = preflight_headers

    def go_config(self) -> dict[str, Any]:
        # Header names go lower-case: the server writes them so, as Starlette's MutableHeaders does.
        return {
            "allow_origins": self.allow_origins,
            "allow_methods": self.allow_methods,
            "allow_headers": self.allow_headers,
            "allow_all_origins": self.allow_all_origins,
            "allow_all_headers": self.allow_all_headers,
            "allow_credentials": self.allow_credentials,
            "explicit_origin": self.preflight_explicit_allow_origin,
            "allow_origin_regex": self.allow_origin_regex,
            "allow_private_network": self.allow_private_network,
            "simple_headers": [[k.lower(), v] for k, v in self.simple_headers.items()],
            "preflight_headers": [[k.lower(), v] for k, v in self.preflight_headers.items()],
        }
