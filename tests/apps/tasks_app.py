"""Background tasks: what ran, in which order, after which response."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

from fasterapi import BackgroundTasks, Depends, FastAPI, StreamingResponse
from fasterapi.background import BackgroundTask
from fasterapi.responses import PlainTextResponse

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
