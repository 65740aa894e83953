"""What a handler sees of a TLS connection, and a page a browser reports its protocol from."""

import asyncio
from typing import Any

from fasterapi import FastAPI, HTMLResponse, Request

app = FastAPI()


@app.get("/whoami")
def whoami(request: Request) -> dict[str, Any]:
    client = request.client
    return {
        "scheme": request.url.scheme,
        "url": str(request.url),
        "http_version": request.scope["http_version"],
        "client": None if client is None else client.host,
    }


@app.get("/slow")
async def slow(seconds: float = 0.2) -> dict[str, float]:
    await asyncio.sleep(seconds)
    return {"slept": seconds}


# The browser test loads this page and reads back the protocol the navigation used.
PAGE = """<!doctype html>
<html><head><title>protocol</title></head><body>
<p id="proto">pending</p>
<script>
document.getElementById("proto").textContent =
    "proto=" + performance.getEntriesByType("navigation")[0].nextHopProtocol;
</script>
</body></html>
"""


@app.get("/page")
def page() -> HTMLResponse:
    return HTMLResponse(PAGE)
