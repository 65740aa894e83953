"""The benchmark app. The same code runs on FastAPI (uvicorn, Granian) and on FasterAPI:
BENCH_FRAMEWORK=fasterapi switches the one import, as a user would."""

import asyncio
import json
import os

if os.environ.get("BENCH_FRAMEWORK") == "fasterapi":
    from fasterapi import FastAPI, WebSocket, WebSocketDisconnect
    from fasterapi.responses import PlainTextResponse, Response, StreamingResponse
else:
    from fastapi import FastAPI, WebSocket, WebSocketDisconnect
    from fastapi.responses import PlainTextResponse, Response, StreamingResponse

from broadcast import broadcaster

app = FastAPI()

BIG = [{"id": i, "name": f"item-{i}", "tags": ["alpha", "beta"], "price": i * 1.5} for i in range(160)]
# The same list encoded once: /big-bytes measures sending 10 KB, /big encoding it per request.
BIG_BYTES = json.dumps(BIG, separators=(",", ":")).encode()


@app.get("/json")
def json_() -> dict[str, str]:
    return {"message": "Hello, World!"}


@app.get("/plaintext", response_class=PlainTextResponse)
def plaintext() -> str:
    return "Hello, World!"


@app.get("/items/{item_id}")
def read_item(item_id: int, q: str | None = None) -> dict[str, object]:
    return {"item_id": item_id, "q": q}


@app.get("/big")
def big() -> list[dict[str, object]]:
    return BIG


@app.get("/big-bytes")
def big_bytes() -> Response:
    return Response(BIG_BYTES, media_type="application/json")


@app.post("/echo")
def echo(payload: dict[str, object]) -> dict[str, object]:
    return payload


@app.get("/async")
async def async_sleep0() -> dict[str, str]:
    await asyncio.sleep(0)
    return {"message": "Hello, World!"}


@app.get("/cpu")
def cpu() -> dict[str, int]:
    total = 0
    for i in range(500):  # ~50 us of pure Python on this machine kind
        total += i * i % 7
    return {"total": total}


@app.websocket("/ws")
async def ws_echo(websocket: WebSocket) -> None:
    await websocket.accept()
    try:
        while True:
            await websocket.send_text(await websocket.receive_text())
    except WebSocketDisconnect:
        pass


@app.get("/sse")
async def sse() -> StreamingResponse:
    return StreamingResponse(broadcaster.events(), media_type="text/event-stream",
                             headers={"cache-control": "no-cache"})
