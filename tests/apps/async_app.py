"""Async handlers that really wait, for the concurrency tests."""

import asyncio

from fasterapi import FastAPI

app = FastAPI()


@app.get("/sleep")
async def sleep(seconds: float = 0.2) -> dict[str, float]:
    await asyncio.sleep(seconds)
    return {"slept": seconds}


@app.get("/sync")
def sync() -> dict[str, str]:
    return {"sync": "ok"}


@app.get("/boom")
async def boom() -> dict[str, str]:
    await asyncio.sleep(0)
    raise RuntimeError("async handler failed")


@app.get("/spin")
def spin() -> dict[str, str]:
    while True:  # a handler stuck in Python code: --timeout-handler must stop it
        pass


@app.get("/spin-async")
async def spin_async() -> dict[str, str]:
    while True:
        await asyncio.sleep(0.01)


@app.get("/block")
def block(seconds: float = 1.0) -> dict[str, float]:
    import time

    time.sleep(seconds)  # a blocking call: pooled mode keeps other requests moving
    return {"blocked": seconds}


@app.get("/spin-inline")
async def spin_inline() -> dict[str, str]:
    while True:  # never awaits: it runs on the event-loop thread, where the watchdog stops it
        pass


spawned: list[str] = []


async def _record(label: str) -> None:
    await asyncio.sleep(0)
    spawned.append(label)


@app.get("/where")
async def where(label: str = "", wait: bool = False) -> dict[str, object]:
    """Where the handler's steps run, and whether asyncio works in each of them."""
    import threading

    task = asyncio.current_task()
    loop = asyncio.get_running_loop()
    first = threading.current_thread().name
    if label:
        background = asyncio.create_task(_record(label))  # fire and forget
        background.add_done_callback(lambda _: None)
    if wait:
        await asyncio.sleep(0.01)
    return {"first": first, "then": threading.current_thread().name,
            "same_task": asyncio.current_task() is task and task is not None,
            "same_loop": asyncio.get_running_loop() is loop}


@app.get("/spawned")
def spawned_labels() -> list[str]:
    return spawned
