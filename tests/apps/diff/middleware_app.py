"""The built-in middleware (CORS, GZip, TrustedHost, HTTPSRedirect) and Python HTTP
middleware, for tests/py/test_e2e_builtin_middleware.py: one app per module attribute, made
by a function of a framework namespace, FastAPI's middleware classes or FasterAPI's as
FRAMEWORK says (framework.py), so the test serves the very same apps under uvicorn + FastAPI
and under FasterAPI. Files are read from MIDDLEWARE_APP_ROOT, which the test fills.
"""

from __future__ import annotations

import asyncio
import importlib
import os
from types import SimpleNamespace
from typing import Any

from framework import fw

ROOT = os.environ.get("MIDDLEWARE_APP_ROOT", ".")

BIG = {"items": [{"id": i, "name": f"item {i}", "tags": ["a", "b"]} for i in range(60)]}


def framework_namespace() -> SimpleNamespace:
    """The app functions' names, from the framework FRAMEWORK picks."""
    middleware = f"{fw.name}.middleware"
    cors = importlib.import_module(f"{middleware}.cors")
    gzip = importlib.import_module(f"{middleware}.gzip")
    https = importlib.import_module(f"{middleware}.httpsredirect")
    hosts = importlib.import_module(f"{middleware}.trustedhost")
    return SimpleNamespace(FastAPI=fw.FastAPI, HTTPException=fw.HTTPException,
                           responses=fw.responses, CORS=cors.CORSMiddleware,
                           GZip=gzip.GZipMiddleware, TrustedHost=hosts.TrustedHostMiddleware,
                           HTTPSRedirect=https.HTTPSRedirectMiddleware)


def routes(fw: SimpleNamespace, app: Any) -> None:
    """The same routes in every app: JSON of both sizes, a stream, files, and answers that
    compression must leave alone."""
    r = fw.responses

    @app.get("/big")
    def big() -> Any:
        return BIG

    @app.get("/small")
    def small() -> Any:
        return {"ok": True}

    @app.post("/echo")
    async def echo() -> Any:
        return {"posted": True}

    @app.get("/vary")
    def vary() -> Any:
        return r.JSONResponse(BIG, headers={"Vary": "Cookie"})

    @app.get("/stream")
    async def stream() -> Any:
        async def pieces() -> Any:
            for i in range(20):
                await asyncio.sleep(0)
                yield f"piece {i} " * 20 + "\n"
        return r.StreamingResponse(pieces(), media_type="text/plain")

    @app.get("/empty-stream")
    def empty_stream() -> Any:
        return r.StreamingResponse(iter([]), media_type="text/plain")

    @app.get("/events")
    def events() -> Any:
        return r.StreamingResponse(iter(["data: x\n\n"] * 40), media_type="text/event-stream")

    @app.get("/encoded")
    def encoded() -> Any:
        return r.Response(b"y" * 1000, media_type="text/plain", headers={"Content-Encoding": "x-custom"})

    @app.get("/png")
    def png() -> Any:
        return r.Response(b"\x89PNG" + b"\0" * 1000, media_type="image/png")

    @app.get("/file/{name}")
    def file(name: str) -> Any:
        return r.FileResponse(os.path.join(ROOT, name))

    @app.get("/trailing/")
    def trailing() -> Any:
        return {"slash": True}


def cors_app(fw: SimpleNamespace) -> Any:
    app = fw.FastAPI()
    routes(fw, app)
    app.add_middleware(fw.CORS, allow_origins=["https://a.example"],
                       allow_origin_regex=r"https://.*\.b\.example", allow_methods=["GET", "POST"],
                       allow_headers=["X-Key"], expose_headers=["X-Out", "X-Other"],
                       allow_credentials=True, max_age=123)
    return app


def wildcard_cors_app(fw: SimpleNamespace) -> Any:
    app = fw.FastAPI()
    routes(fw, app)
    app.add_middleware(fw.CORS, allow_origins=["*"], allow_methods=["*"], allow_headers=["*"],
                       allow_private_network=True)
    return app


def gzip_app(fw: SimpleNamespace) -> Any:
    app = fw.FastAPI()
    routes(fw, app)
    app.add_middleware(fw.GZip, minimum_size=500)
    return app


def hosts_app(fw: SimpleNamespace) -> Any:
    app = fw.FastAPI()
    routes(fw, app)
    app.add_middleware(fw.TrustedHost,
                       allowed_hosts=["example.com", "*.example.org", "www.redirect.example"])
    return app


def https_app(fw: SimpleNamespace) -> Any:
    app = fw.FastAPI()
    routes(fw, app)
    app.add_middleware(fw.HTTPSRedirect)
    return app


def stack_app(fw: SimpleNamespace) -> Any:
    """CORS outside TrustedHost outside GZip: a refused Host still gets CORS headers, and
    compression happens inside CORS (Vary: Accept-Encoding before Origin)."""
    app = fw.FastAPI()
    routes(fw, app)
    app.add_middleware(fw.GZip, minimum_size=100)
    app.add_middleware(fw.TrustedHost, allowed_hosts=["example.com"])
    app.add_middleware(fw.CORS, allow_origins=["https://a.example"])
    return app


def python_middleware_app(fw: SimpleNamespace) -> Any:
    """An `@app.middleware("http")` function that must see every answer, 404/405/307 included,
    a custom 405 handler, and GZip outside it."""
    app = fw.FastAPI()
    routes(fw, app)

    @app.middleware("http")
    async def tag(request: Any, call_next: Any) -> Any:
        response = await call_next(request)
        response.headers["x-seen"] = f"{request.method} {request.url.path} {response.status_code}"
        return response

    @app.exception_handler(405)
    async def not_allowed(request: Any, exc: Any) -> Any:
        return fw.responses.JSONResponse({"custom": exc.status_code}, status_code=405,
                                         headers=exc.headers)

    app.add_middleware(fw.GZip, minimum_size=10)
    return app


_fw = framework_namespace()
cors = cors_app(_fw)
wildcard_cors = wildcard_cors_app(_fw)
gzip = gzip_app(_fw)
hosts = hosts_app(_fw)
https = https_app(_fw)
stack = stack_app(_fw)
python_middleware = python_middleware_app(_fw)
