"""WebSocket, streamed-response and Server-Sent Events endpoints for tests/py and tests/go."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

from fasterapi import (
    Depends,
    FastAPI,
    HTTPException,
    Query,
    Request,
    StreamingResponse,
    WebSocket,
    WebSocketDisconnect,
    WebSocketException,
)
from fasterapi.sse import EventSourceResponse, ServerSentEvent, SSEConnection

app = FastAPI()

# The tags of the SSE and streaming handlers that were cancelled, and of the handlers that saw
# request.is_disconnected() turn true (per interpreter): a test looks for its own request's
# tag, so a late cancellation from an earlier test cannot confuse it.
cancelled: dict[str, list[str]] = {"sse": [], "stream": [], "disconnected": []}


@app.websocket("/ws/echo")
async def echo(websocket: WebSocket) -> None:
    await websocket.accept()
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            if "text" in message:
                await websocket.send_text(message["text"])
            else:
                await websocket.send_bytes(message["bytes"])
    except WebSocketDisconnect:
        pass


def room_name(room: str, prefix: str = Query("room")) -> str:
    return f"{prefix}:{room}"


@app.websocket("/ws/rooms/{room}")
async def rooms(websocket: WebSocket, room: str, name: str = Depends(room_name),
                token: str | None = None) -> None:
    if token == "bad":
        await websocket.close(code=1008)
        return
    await websocket.accept(subprotocol=websocket.headers.get("sec-websocket-protocol", "").split(",")[0].strip() or None,
                           headers={"x-room": name})
    await websocket.send_json({"room": room, "name": name, "client": websocket.client_state.name})
    async for data in websocket.iter_json():
        await websocket.send_json({"got": data})
    await websocket.close(code=4000, reason="bye")


@app.websocket("/ws/policy")
async def policy(websocket: WebSocket, accept: bool = False) -> None:
    if accept:
        await websocket.accept()
    raise WebSocketException(code=4401, reason="token expired")


@app.websocket("/ws/reject")
async def reject(websocket: WebSocket) -> None:
    await websocket.close()


@app.websocket("/ws/crash")
async def crash(websocket: WebSocket, after_accept: bool = False) -> None:
    if after_accept:
        await websocket.accept()
        await websocket.receive_text()
    raise RuntimeError("boom in a websocket handler")


@app.websocket("/ws/flood")
async def flood(websocket: WebSocket, count: int = 100, size: int = 1000) -> None:
    await websocket.accept()
    payload = b"x" * size
    for _ in range(count):
        await websocket.send_bytes(payload)
    await websocket.close()


@app.get("/stream/sync")
def stream_sync(n: int = 3) -> StreamingResponse:
    def pieces() -> Iterator[str]:
        for i in range(n):
            yield f"piece {i}\n"

    return StreamingResponse(pieces(), media_type="text/plain")


@app.get("/stream/async")
async def stream_async(n: int = 3, delay: float = 0.0, tag: str = "") -> StreamingResponse:
    async def pieces() -> AsyncIterator[bytes]:
        try:
            for i in range(n):
                await asyncio.sleep(delay)
                yield f"piece {i}\n".encode()
        except asyncio.CancelledError:
            cancelled["stream"].append(tag)
            raise

    return StreamingResponse(pieces(), media_type="text/plain", headers={"x-stream": "yes"})


@app.get("/stream/big")
def stream_big(mib: int = 8) -> StreamingResponse:
    block = b"y" * (1 << 20)
    return StreamingResponse(iter([block] * mib), media_type="application/octet-stream")


@app.get("/stream/fail")
async def stream_fail() -> StreamingResponse:
    async def pieces() -> AsyncIterator[bytes]:
        yield b"first\n"
        raise RuntimeError("the stream broke")

    return StreamingResponse(pieces())


@app.get("/wait-for-disconnect")
async def wait_for_disconnect(request: Request, tag: str) -> dict[str, bool]:
    while not await request.is_disconnected():
        await asyncio.sleep(0.01)
    cancelled["disconnected"].append(tag)
    return {"disconnected": True}


@app.get("/is-disconnected")
async def is_disconnected(request: Request) -> dict[str, bool]:
    return {"disconnected": await request.is_disconnected()}


@app.get("/cancelled")
def get_cancelled() -> dict[str, list[str]]:
    return cancelled


@app.get("/events")
async def events(n: int = 3) -> EventSourceResponse:
    async def generate() -> AsyncIterator[Any]:
        for i in range(n):
            yield {"n": i}
        yield ServerSentEvent("done", event="end", id="last")

    return EventSourceResponse(generate())


@app.sse("/sse/ticks")
async def ticks(sse: SSEConnection, every: float = 0.01, limit: int = 0, tag: str = "") -> None:
    start = int(sse.last_event_id or 0)
    i = start
    try:
        while not limit or i < start + limit:
            i += 1
            await sse.send({"tick": i}, event="tick", id=str(i))
            await asyncio.sleep(every)
    except asyncio.CancelledError:
        cancelled["sse"].append(tag)
        raise


@app.sse("/sse/quiet")
async def quiet(sse: SSEConnection) -> None:
    await asyncio.sleep(3600)


@app.get("/plain")
def plain() -> dict[str, str]:
    if False:
        raise HTTPException(500)
    return {"ok": "yes"}


@app.websocket("/ws/chat/{room}")
async def chat(websocket: WebSocket, room: str) -> None:
    channel = app.channel(room)
    await websocket.accept()
    channel.subscribe(websocket)
    try:
        async for text in websocket.iter_text():
            if text == "leave":
                channel.unsubscribe(websocket)
                await websocket.send_text("left")
                continue
            channel.publish(text)
    finally:
        channel.publish(f"someone left {room}")


@app.post("/publish/{room}")
def publish(room: str, message: dict[str, Any]) -> dict[str, int]:
    return {"reached": app.channel(room).publish(message)}


@app.get("/tls/loaded")
def tls_loaded() -> dict[str, bool]:
    import sys

    return {"openssl": "_ssl" in sys.modules}


@app.get("/tls/fetch")
async def tls_fetch(port: int, cafile: str) -> dict[str, object]:
    """An asyncio TLS client inside a handler: fetches /tls/loaded from the server's TLS port."""
    import ssl
    import sys

    before = "_ssl" in sys.modules
    context = ssl.create_default_context(cafile=cafile)
    reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=context,
                                                   server_hostname="localhost")
    writer.write(b"GET /tls/loaded HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
    response = await reader.read()
    writer.close()
    try:
        await writer.wait_closed()
    except (OSError, ssl.SSLError):
        pass  # the server closed first; the answer is in
    head, _, body = response.partition(b"\r\n\r\n")
    return {"before": before, "status_line": head.split(b"\r\n")[0].decode(), "body": body.decode()}
