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
