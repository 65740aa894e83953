"""Background tasks: what ran, in which order, after which response."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

from fasterapi import BackgroundTasks, Depends, FastAPI, HTTPException, Request, StreamingResponse
from fasterapi.background import BackgroundTask
from fasterapi.responses import PlainTextResponse, Response

app = FastAPI()
log: list[str] = []


def record(entry: str) -> None:
    log.append(entry)


async def record_later(entry: str, delay: float = 0.0) -> None:
    await asyncio.sleep(delay)
    log.append(entry)


def explode() -> None:
    raise RuntimeError("a background task failed")


def slow(entry: str) -> None:
    time.sleep(0.5)
    log.append(entry)


def audit(tasks: BackgroundTasks, who: str = "anonymous") -> str:
    tasks.add_task(record, f"audit {who}")
    return who


@app.post("/send/{to}")
def send(to: str, tasks: BackgroundTasks, who: str = Depends(audit)) -> dict[str, str]:
    tasks.add_task(record, f"sync to {to}")
    tasks.add_task(explode)
    tasks.add_task(record_later, f"async to {to}")
    return {"queued": to, "by": who}


@app.post("/async-send")
async def async_send(tasks: BackgroundTasks) -> dict[str, bool]:
    tasks.add_task(record_later, "from async handler", 0.01)
    return {"ok": True}


@app.post("/slow")
def slow_task(tasks: BackgroundTasks) -> dict[str, bool]:
    tasks.add_task(slow, "slow done")
    return {"ok": True}


@app.post("/response-background")
def response_background() -> PlainTextResponse:
    return PlainTextResponse("sent", background=BackgroundTask(record, "response task"))


@app.get("/stream")
def stream() -> StreamingResponse:
    def pieces() -> Iterator[str]:
        yield "a"
        yield "b"

    return StreamingResponse(pieces(), background=BackgroundTask(record, "after stream"))


@app.get("/log")
def get_log() -> list[str]:
    return log


@app.delete("/log")
def clear_log() -> None:
    log.clear()


# ---- HTTP middleware (a separate app, so the routes above stay middleware-free) ----------

mw_app = FastAPI()


@mw_app.middleware("http")
async def inner(request: Request, call_next: Any) -> Response:
    response = await call_next(request)
    response.headers["x-order"] = response.headers.get("x-order", "") + "inner,"
    return response


@mw_app.middleware("http")
async def outer(request: Request, call_next: Any) -> Response:
    if request.headers.get("x-block") == "yes":
        return PlainTextResponse("blocked by middleware", status_code=403)
    response = await call_next(request)
    response.headers["x-order"] = response.headers.get("x-order", "") + "outer"
    response.headers["x-path"] = request.url.path
    return response


@mw_app.get("/sync/{n}")
def mw_sync(n: int) -> dict[str, int]:
    return {"n": n}


@mw_app.get("/async")
async def mw_async() -> dict[str, str]:
    await asyncio.sleep(0)
    return {"async": "yes"}


@mw_app.get("/missing")
def mw_missing() -> None:
    raise HTTPException(404, "nothing here")


@mw_app.get("/crash")
def mw_crash() -> None:
    raise RuntimeError("handler crash under middleware")


@mw_app.get("/stream")
def mw_stream() -> StreamingResponse:
    return StreamingResponse(iter(["x", "y"]))
