"""Starlette's built-in middleware, run by the Go server: CORS, GZip, TrustedHost, HTTPSRedirect.

    from fasterapi.middleware.cors import CORSMiddleware
    app.add_middleware(CORSMiddleware, allow_origins=["https://example.com"])

The classes take Starlette's constructor arguments; `app.add_middleware` checks them at once
and the server applies them in Go to every answer (handlers, its own 404/405/307, static
files, streams), so no request enters Python for them. As in Starlette the last added is the
outermost. They all run outside the `@app.middleware("http")` functions, whatever the order
of registration: those see the request after the Go middleware let it through and the answer
before the Go middleware change it (see fasterapi._middleware).

Arbitrary ASGI middleware cannot run here (there is no ASGI app to wrap):
`add_middleware` refuses them with a clear error.
"""

from __future__ import annotations

from typing import Any


class Middleware:
    """A middleware class with its options, for `FastAPI(middleware=[...])` (Starlette's)."""

    def __init__(self, cls: Any, *args: Any, **kwargs: Any) -> None:
        self.cls = cls
        self.args = args
        self.kwargs = kwargs

    def __iter__(self) -> Any:
        return iter((self.cls, self.args, self.kwargs))

    def __repr__(self) -> str:
        name = getattr(self.cls, "__name__", repr(self.cls))
        options = [repr(a) for a in self.args] + [f"{k}={v!r}" for k, v in self.kwargs.items()]
        return f"Middleware({', '.join([name, *options])})"


__all__ = ["Middleware"]
