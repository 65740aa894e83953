"""Handlers that end with BaseExceptions, for tests/py/test_e2e_crashes.py: whatever a handler
raises, the server answers 500 and keeps serving, as uvicorn does for a FastAPI app."""

import asyncio
import sys

from fasterapi import FastAPI

app = FastAPI()


@app.get("/ok")
def ok() -> dict[str, bool]:
    return {"ok": True}


@app.get("/async-ok")
async def async_ok() -> dict[str, bool]:
    await asyncio.sleep(0)
    return {"async_ok": True}


@app.get("/keyboard-interrupt")
def keyboard_interrupt() -> dict[str, bool]:
    raise KeyboardInterrupt


@app.get("/system-exit")
def system_exit() -> dict[str, bool]:
    raise SystemExit(3)


@app.get("/system-exit-async")
async def system_exit_async() -> dict[str, bool]:
    await asyncio.sleep(0)
    sys.exit(4)
