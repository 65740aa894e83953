"""Handlers that use the stdlib modules which crash own-GIL sub-interpreters on 3.12.1/3.13.0
without the probe's workarounds (shared/notes/pyprobe/REPORT.md §4)."""

import sys

from fasterapi import FastAPI

app = FastAPI()


@app.get("/datetime")
def use_datetime() -> dict[str, str]:
    import datetime

    return {"date": datetime.date(2024, 2, 29).isoformat()}


@app.get("/decimal")
def use_decimal() -> dict[str, str]:
    import decimal

    return {"sum": str(decimal.Decimal("0.1") + decimal.Decimal("0.2"))}


@app.get("/hashlib")
def use_hashlib() -> dict[str, str]:
    import hashlib

    return {"sha256": hashlib.sha256(b"fasterapi").hexdigest()}


@app.get("/asyncio")
async def use_asyncio() -> dict[str, int]:
    import asyncio

    await asyncio.sleep(0.001)
    results = await asyncio.gather(*(asyncio.sleep(0, result=i) for i in range(3)))
    return {"sum": sum(results)}


@app.get("/version")
def version() -> dict[str, str]:
    return {"python": f"{sys.version_info[0]}.{sys.version_info[1]}"}


@app.get("/print")
def use_print() -> dict[str, bool]:
    print("printed-by-handler")
    return {"printed": True}
