"""HTTPSRedirectMiddleware as Starlette's, run by the Go server."""

from __future__ import annotations

from typing import Any

from ._base import GoMiddleware


class HTTPSRedirectMiddleware(GoMiddleware):
    """Redirects http:// and ws:// requests to https:// and wss:// with 307 (the port is
    dropped when it is 80 or 443); a request without a usable Host gets 400."""

    go_name = "httpsredirect"

    def __init__(self, app: Any = None) -> None:
        super().__init__(app)

    def go_config(self) -> dict[str, Any]:
        return {}
