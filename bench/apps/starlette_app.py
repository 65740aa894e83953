"""The benchmark endpoints on bare Starlette (no FastAPI layer), served by uvicorn and by
Granian's ASGI interface."""

import asyncio
import json

from broadcast import broadcaster
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

BIG = [{"id": i, "name": f"item-{i}", "tags": ["alpha", "beta"], "price": i * 1.5} for i in range(160)]
BIG_BYTES = json.dumps(BIG, separators=(",", ":")).encode()


async def json_(request: Request) -> JSONResponse:
    return JSONResponse({"message": "Hello, World!"})


async def plaintext(request: Request) -> PlainTextResponse:
    return PlainTextResponse("Hello, World!")


async def read_item(request: Request) -> JSONResponse:
    return JSONResponse({"item_id": int(request.path_params["item_id"]), "q": request.query_params.get("q")})


async def big(request: Request) -> JSONResponse:
    return JSONResponse(BIG)


async def big_bytes(request: Request) -> Response:
    return Response(BIG_BYTES, media_type="application/json")


async def echo(request: Request) -> JSONResponse:
    return JSONResponse(await request.json())


async def async_sleep0(request: Request) -> JSONResponse:
    await asyncio.sleep(0)
    return JSONResponse({"message": "Hello, World!"})


async def cpu(request: Request) -> JSONResponse:
    total = 0
    for i in range(500):
        total += i * i % 7
    return JSONResponse({"total": total})


async def ws_echo(websocket: WebSocket) -> None:
    await websocket.accept()
    try:
        while True:
            await websocket.send_text(await websocket.receive_text())
    except WebSocketDisconnect:
        pass


async def sse(request: Request) -> StreamingResponse:
    return StreamingResponse(broadcaster.events(), media_type="text/event-stream",
                             headers={"cache-control": "no-cache"})


app = Starlette(routes=[
    Route("/json", json_), Route("/plaintext", plaintext), Route("/items/{item_id}", read_item),
    Route("/big", big), Route("/big-bytes", big_bytes), Route("/echo", echo, methods=["POST"]), Route("/async", async_sleep0),
    Route("/cpu", cpu), WebSocketRoute("/ws", ws_echo), Route("/sse", sse),
])
