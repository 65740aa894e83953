"""The Python API, first slice: the routes tests/py/test_e2e_api.py calls on a live server.

Written as a FastAPI app would be (only the import differs), so every expected response in
the tests is what FastAPI sends for the same request.
"""

import asyncio
import time
from dataclasses import dataclass, field
from typing import Annotated, Any

from fasterapi import (
    FastAPI,
    HTMLResponse,
    HTTPException,
    JSONResponse,
    PlainTextResponse,
    Query,
    RedirectResponse,
    Request,
    Response,
)

app = FastAPI()


@dataclass
class Item:
    name: str
    price: float
    tags: list[str] = field(default_factory=list)


# ---- one path, every method decorator ---------------------------------------------------


@app.get("/method")
def method_get() -> dict[str, str]:
    return {"decorator": "get"}


@app.post("/method")
def method_post() -> dict[str, str]:
    return {"decorator": "post"}


@app.put("/method")
def method_put() -> dict[str, str]:
    return {"decorator": "put"}


@app.patch("/method")
def method_patch() -> dict[str, str]:
    return {"decorator": "patch"}


@app.delete("/method")
def method_delete() -> dict[str, str]:
    return {"decorator": "delete"}


@app.options("/method")
def method_options() -> dict[str, str]:
    return {"decorator": "options"}


@app.head("/head-only")
def head_only() -> JSONResponse:
    return JSONResponse({"head": True}, headers={"x-head": "yes"})


@app.api_route("/multi", methods=["GET", "POST"])
def multi(request: Request) -> dict[str, str]:
    return {"method": request.method}


# ---- path and query parameters ----------------------------------------------------------


@app.get("/path/int/{value}")
def path_int(value: int) -> dict[str, Any]:
    return {"value": value, "type": type(value).__name__}


@app.get("/path/float/{value}")
def path_float(value: float) -> dict[str, Any]:
    return {"value": value, "type": type(value).__name__}


@app.get("/path/bool/{value}")
def path_bool(value: bool) -> dict[str, Any]:
    return {"value": value, "type": type(value).__name__}


@app.get("/path/str/{value}")
def path_str(value: str) -> dict[str, Any]:
    return {"value": value, "type": type(value).__name__}


@app.get("/path/two/{first}/{second}")
def path_two(first: str, second: int) -> dict[str, Any]:
    return {"first": first, "second": second}


@app.get("/query")
def query(
    i: int,
    f: float = 0.5,
    b: bool = False,
    s: str = "default",
    o: int | None = None,
    ids: Annotated[list[int] | None, Query()] = None,
) -> dict[str, Any]:
    return {"i": i, "f": f, "b": b, "s": s, "o": o, "ids": ids}


@app.get("/query/list")
def query_list(n: Annotated[list[int], Query()]) -> dict[str, Any]:
    return {"n": n, "total": sum(n)}


@app.get("/query/bool")
def query_bool(flag: bool) -> dict[str, bool]:
    return {"flag": flag}


# ---- JSON bodies ------------------------------------------------------------------------


@app.post("/body/dict")
def body_dict(payload: dict[str, Any]) -> dict[str, Any]:
    return {"got": payload, "keys": sorted(payload)}


@app.post("/body/list")
def body_list(values: list[int]) -> dict[str, Any]:
    return {"values": values, "sum": sum(values)}


@app.post("/body/item", status_code=201)
def body_item(item: Item) -> dict[str, Any]:
    return {"is_item": isinstance(item, Item), "name": item.name, "price": item.price,
            "tags": item.tags}


@app.put("/body/item/{item_id}")
def body_item_with_params(item_id: int, item: Item, verbose: bool = False) -> dict[str, Any]:
    return {"item_id": item_id, "name": item.name, "verbose": verbose}


# ---- Request ----------------------------------------------------------------------------


@app.api_route("/request/{tail}", methods=["GET", "POST", "PUT"])
async def request_info(tail: str, request: Request) -> dict[str, Any]:
    body = await request.body()
    client = request.client
    return {
        "method": request.method,
        "url": str(request.url),
        "path": request.url.path,
        "tail": tail,
        "path_params": request.path_params,
        "query": dict(request.query_params),
        "query_a": request.query_params.getlist("a"),
        "header": request.headers.get("x-test"),
        "header_upper": request.headers["X-TEST"] if "x-test" in request.headers else None,
        "user_agent": request.headers.get("user-agent"),
        "cookies": request.cookies,
        "client": None if client is None else [client.host, client.port],
        "body": body.decode("utf-8"),
    }


@app.get("/headers")
def headers(request: Request) -> dict[str, Any]:
    return {
        "multi": request.headers.getlist("x-multi"),
        "first": request.headers.get("x-multi"),
        "latin": request.headers.get("x-latin"),
        "host": request.headers.get("host"),
        "url": str(request.url),
        "base_url": str(request.base_url),
        "client_is_set": request.client is not None,
    }


@app.post("/request-json")
async def request_json(request: Request) -> dict[str, Any]:
    return {"json": await request.json()}


# ---- Response classes, headers and cookies ----------------------------------------------


@app.get("/response/plain")
def response_plain() -> PlainTextResponse:
    return PlainTextResponse("plain text, ünïcode", headers={"x-kind": "plain"})


@app.get("/response/html")
def response_html() -> HTMLResponse:
    return HTMLResponse("<h1>Hi</h1>", status_code=203)


@app.get("/response/json")
def response_json() -> JSONResponse:
    return JSONResponse({"a": [1, 2], "é": None}, status_code=202, headers={"x-kind": "json"})


@app.get("/response/raw")
def response_raw() -> Response:
    return Response(b"\x00\x01raw", media_type="application/octet-stream",
                    headers={"x-kind": "raw"})


@app.get("/response/redirect")
def response_redirect() -> RedirectResponse:
    return RedirectResponse("/response/plain")


@app.get("/response/redirect-external")
def response_redirect_external() -> RedirectResponse:
    return RedirectResponse("https://example.com/a b?x=1", status_code=301)


@app.get("/response/cookies")
def response_cookies() -> JSONResponse:
    response = JSONResponse({"cookies": "set"})
    response.set_cookie("session", "abc123", max_age=60, httponly=True)
    response.set_cookie("theme", "dark", path="/app", samesite="strict", secure=True)
    response.delete_cookie("old")
    return response


@app.post("/status/created", status_code=201)
def status_created() -> dict[str, bool]:
    return {"created": True}


@app.delete("/status/no-content", status_code=204)
def status_no_content() -> None:
    return None


@app.get("/status/accepted", status_code=202)
def status_accepted_overridden() -> JSONResponse:
    # A returned Response wins over the decorator's status_code, as in FastAPI.
    return JSONResponse({"explicit": True}, status_code=200)


# ---- errors -----------------------------------------------------------------------------


@app.get("/items/{item_id}")
def read_item(item_id: int) -> dict[str, Any]:
    if item_id == 0:
        raise HTTPException(status_code=404, detail="Item not found",
                            headers={"x-error": "missing-item"})
    if item_id == 1:
        raise HTTPException(status_code=418)
    if item_id == 2:
        raise HTTPException(status_code=400, detail={"code": 7, "fields": ["a", "b"]})
    return {"item_id": item_id}


@app.get("/crash")
def crash() -> dict[str, str]:
    raise RuntimeError("handler-crash-marker-7f3a")


@app.get("/crash-async")
async def crash_async() -> dict[str, str]:
    await asyncio.sleep(0)
    raise KeyError("async-crash-marker-91c2")


# ---- def and async def ------------------------------------------------------------------


@app.get("/sync")
def sync_handler() -> dict[str, str]:
    return {"kind": "def"}


@app.get("/async")
async def async_handler(delay_ms: int = 0) -> dict[str, Any]:
    start = time.monotonic()
    await asyncio.sleep(delay_ms / 1000)
    parts = await asyncio.gather(*(asyncio.sleep(0.001, result=i) for i in range(3)))
    return {"kind": "async def", "parts": parts,
            "slept_ms": round((time.monotonic() - start) * 1000)}
