"""TrustedHostMiddleware with Starlette's options and answers, run by the Go server."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ._base import GoMiddleware, check_type, string_list

ENFORCE_DOMAIN_WILDCARD = "Domain wildcard patterns must be like '*.example.com'."


class TrustedHostMiddleware(GoMiddleware):
    """Answers 400 "Invalid host header" unless Host matches `allowed_hosts` (patterns like
    "example.com" or "*.example.com"); with `www_redirect`, "example.com" is redirected to
    "www.example.com" when only the latter is allowed. Also applies to WebSocket handshakes.
    """

    go_name = "trustedhost"

    def __init__(self, app: Any = None, allowed_hosts: Sequence[str] | None = None,
                 www_redirect: bool = True) -> None:
        super().__init__(app)
        if allowed_hosts is None:
            allowed_hosts = ["*"]
        hosts = string_list("TrustedHostMiddleware", "allowed_hosts", allowed_hosts)
        check_type("TrustedHostMiddleware", "www_redirect", www_redirect, bool)
        for pattern in hosts:
            # Starlette asserts these; the same exception type keeps its tests meaningful.
            if "*" in pattern[1:] or (pattern.startswith("*") and pattern != "*"
                                      and not pattern.startswith("*.")):
                raise AssertionError(ENFORCE_DOMAIN_WILDCARD)
        self.allowed_hosts = [pattern.lower() for pattern in hosts]
        self.allow_any = "*" in hosts
        self.www_redirect = www_redirect

    def go_config(self) -> dict[str, Any]:
        return {"allowed_hosts": self.allowed_hosts, "allow_any": self.allow_any,
                "www_redirect": self.www_redirect}
