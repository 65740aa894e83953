"""Lifespan and start-up/shutdown events: they run in every interpreter that serves."""

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fasterapi import FastAPI

events: list[str] = []


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, str]]:
    events.append("lifespan-enter")
    yield {"greeting": "hello from lifespan"}
    print(f"lifespan-exit in interpreter {id(sys.modules)}", file=sys.stderr, flush=True)


app = FastAPI(lifespan=lifespan)


@app.on_event("startup")
async def on_startup() -> None:
    events.append("startup")


@app.on_event("shutdown")
def on_shutdown() -> None:
    print(f"shutdown-event in interpreter {id(sys.modules)}", file=sys.stderr, flush=True)


@app.get("/events")
def get_events() -> dict[str, object]:
    return {"events": events, "greeting": app.state.greeting}
