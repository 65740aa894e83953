"""Granian's RSGI interface with a bare handler: the fastest Python server setup we know of.
Routing is a chain of ifs, JSON is json.dumps; no framework. Like every other server of the
benchmark, /big encodes its list per request and /big-bytes sends it encoded once."""

import asyncio
import json
from typing import Any
from urllib.parse import parse_qs

from broadcast import broadcaster
from granian.rsgi import ProtocolClosed, WebsocketMessageType

BIG = [{"id": i, "name": f"item-{i}", "tags": ["alpha", "beta"], "price": i * 1.5} for i in range(160)]
BIG_BYTES = json.dumps(BIG, separators=(",", ":")).encode()
JSON_HDR = [("content-type", "application/json")]


def cpu_total() -> int:
    total = 0
    for i in range(500):
        total += i * i % 7
    return total


async def ws_echo(proto: Any) -> None:
    transport = await proto.accept()
    try:
        while True:
            msg = await transport.receive()
            if msg.kind == WebsocketMessageType.close:
                return
            if msg.kind == WebsocketMessageType.string:
                await transport.send_str(msg.data)
            else:
                await transport.send_bytes(msg.data)
    except ProtocolClosed:  # the client went away mid-exchange
        pass


async def sse(proto: Any) -> None:
    transport = proto.response_stream(200, [("content-type", "text/event-stream"),
                                            ("cache-control", "no-cache")])
    events = broadcaster.events()
    try:
        async for event in events:
            await transport.send_bytes(event)
    except ProtocolClosed:  # the client went away
        pass
    finally:
        await events.aclose()


async def app(scope: Any, proto: Any) -> None:
    path = scope.path
    if scope.proto == "ws":
        if path == "/ws":
            await ws_echo(proto)
        else:
            proto.close(1008)
        return
    if path == "/json":
        proto.response_bytes(200, JSON_HDR, b'{"message":"Hello, World!"}')
    elif path == "/plaintext":
        proto.response_bytes(200, [("content-type", "text/plain; charset=utf-8")], b"Hello, World!")
    elif path.startswith("/items/"):
        q = parse_qs(scope.query_string).get("q", [None])[-1]
        body = json.dumps({"item_id": int(path[7:]), "q": q}, separators=(",", ":")).encode()
        proto.response_bytes(200, JSON_HDR, body)
    elif path == "/big":
        proto.response_bytes(200, JSON_HDR, json.dumps(BIG, separators=(",", ":")).encode())
    elif path == "/big-bytes":
        proto.response_bytes(200, JSON_HDR, BIG_BYTES)
    elif path == "/echo":
        payload = json.loads(await proto())
        proto.response_bytes(200, JSON_HDR, json.dumps(payload, separators=(",", ":")).encode())
    elif path == "/async":
        await asyncio.sleep(0)
        proto.response_bytes(200, JSON_HDR, b'{"message":"Hello, World!"}')
    elif path == "/sse":
        await sse(proto)
    elif path == "/cpu":
        proto.response_bytes(200, JSON_HDR, b'{"total":%d}' % cpu_total())
    else:
        proto.response_bytes(404, JSON_HDR, b'{"detail":"Not Found"}')
