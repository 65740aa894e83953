"""A page and the WebSocket and SSE endpoints it uses, for real clients: headless Chromium loads
`/` and writes what it saw into the DOM; tests/node's `ws` client uses the same endpoints.

Run with `--workers 1`: `/seen` reports what this one interpreter's handlers observed.
"""

from __future__ import annotations

from typing import Any

from fasterapi import FastAPI, HTMLResponse, WebSocket, WebSocketDisconnect
from fasterapi.sse import SSEConnection

app = FastAPI()

# What the handlers saw, for the tests to check the server side of each exchange.
seen: dict[str, list[Any]] = {"last_event_ids": [], "close_codes": [], "subprotocols": []}

# Events per SSE connection: after that many the handler returns, the server ends the
# response, and an EventSource reconnects by itself with the last id it got.
EVENTS_PER_CONNECTION = 3

PAGE = """<!doctype html>
<html>
<head><meta charset="utf-8"><title>FasterAPI real clients</title></head>
<body>
<pre id="ws"></pre>
<pre id="sse"></pre>
<div id="status">running</div>
<script>
"use strict";
const wsLog = document.getElementById("ws");
const sseLog = document.getElementById("sse");
const finished = {ws: false, sse: false};
function finish(part) {
  finished[part] = true;
  if (finished.ws && finished.sse) document.getElementById("status").textContent = "done";
}

// WebSocket: one text and one binary round trip, then a close with our own code and reason.
const ws = new WebSocket(location.origin.replace(/^http/, "ws") + "/ws/echo", ["chat"]);
ws.binaryType = "arraybuffer";
ws.onopen = () => {
  wsLog.textContent += "open protocol=" + ws.protocol + " extensions=" + ws.extensions + "\\n";
  ws.send("héllo from chromium");
};
ws.onmessage = (event) => {
  if (typeof event.data === "string") {
    wsLog.textContent += "text " + event.data + "\\n";
    ws.send(new Uint8Array([0, 1, 255]));
  } else {
    wsLog.textContent += "binary " + Array.from(new Uint8Array(event.data)).join(",") + "\\n";
    ws.close(4001, "page done");
  }
};
ws.onerror = () => { wsLog.textContent += "error\\n"; };
ws.onclose = (event) => {
  wsLog.textContent += "close " + event.code + " " + event.reason + " clean=" + event.wasClean + "\\n";
  finish("ws");
};

// EventSource: the server ends each response after a few events; the browser reconnects on
// its own after the `retry:` delay, sending Last-Event-ID, and the server resumes after it;
// each event's data says which Last-Event-ID its connection came with.
const total = 2 * EVENTS_PER_CONNECTION;
const source = new EventSource("/sse/count");
source.onopen = () => { sseLog.textContent += "open\\n"; };
source.addEventListener("count", (event) => {
  sseLog.textContent += "event id=" + event.lastEventId + " data=" + event.data + "\\n";
  if (Number(event.lastEventId) >= total) {
    source.close();
    finish("sse");
  }
});
// readyState CONNECTING: the browser will reconnect; CLOSED: it gave up (a non-200 answer,
// or not text/event-stream).
source.onerror = () => {
  sseLog.textContent += (source.readyState === EventSource.CLOSED ? "failed" : "reconnecting") + "\\n";
};
</script>
</body>
</html>
""".replace("EVENTS_PER_CONNECTION", str(EVENTS_PER_CONNECTION))


@app.get("/")
def page() -> HTMLResponse:
    return HTMLResponse(PAGE)


@app.get("/seen")
def get_seen() -> dict[str, list[Any]]:
    return seen


@app.websocket("/ws/echo")
async def echo(websocket: WebSocket) -> None:
    # Pick the first subprotocol offered, as a chat server would.
    offered = [p.strip() for p in websocket.headers.get("sec-websocket-protocol", "").split(",")]
    subprotocol = offered[0] or None
    seen["subprotocols"].append(subprotocol)
    await websocket.accept(subprotocol=subprotocol)
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                seen["close_codes"].append([message.get("code"), message.get("reason")])
                return
            if "text" in message:
                await websocket.send_text(message["text"])
            else:
                await websocket.send_bytes(message["bytes"])
    except WebSocketDisconnect as disconnect:
        seen["close_codes"].append([disconnect.code, disconnect.reason])


@app.websocket("/ws/goodbye")
async def goodbye(websocket: WebSocket, code: int = 4002, reason: str = "server done") -> None:
    """Closes from the server side with a chosen code and reason after one message."""
    await websocket.accept()
    await websocket.receive_text()
    await websocket.close(code=code, reason=reason)


@app.sse("/sse/count")
async def count(sse: SSEConnection) -> None:
    seen["last_event_ids"].append(sse.last_event_id)
    start = int(sse.last_event_id or 0)
    for i in range(start + 1, start + 1 + EVENTS_PER_CONNECTION):
        # retry: 100 ms, so the browser's reconnect comes quickly (its default is seconds).
        await sse.send({"n": i, "after": sse.last_event_id}, event="count", id=str(i),
                       retry=100)
