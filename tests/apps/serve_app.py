"""A small app for the command-line, `serve` and `--workers` tests (tests/py/test_e2e_cli.py,
test_e2e_serve.py, test_e2e_workers.py): it reports which interpreter and thread answered and
which Python runs it."""

import os
import sys
import threading
from typing import Any

from fasterapi import FastAPI

app = FastAPI()

# Each sub-interpreter imports this module itself, so these exist once per interpreter.
_COUNTER = {"requests": 0}
_TOKEN = os.urandom(8).hex()

# Not an app: `fasterapi serve tests.apps.serve_app:not_an_app` must refuse it.
not_an_app: dict[str, list[str]] = {"routes": []}


@app.get("/")
def root() -> dict[str, str]:
    return {"app": "serve_app"}


@app.get("/interp")
def interp() -> dict[str, Any]:
    _COUNTER["requests"] += 1
    return {
        "modules_id": id(sys.modules),
        "token": _TOKEN,
        "thread": threading.get_ident(),
        "count": _COUNTER["requests"],
    }


@app.get("/rendezvous")
def rendezvous(directory: str, parties: int, timeout: float = 5.0) -> dict[str, Any]:
    """Wait until requests from `parties` different interpreters are in this handler at once.

    Each interpreter drops its token into `directory`; they can only all meet when their
    interpreters really run at the same time (one GIL each, one thread each).
    """
    import pathlib
    import time

    base = pathlib.Path(directory)
    (base / _TOKEN).touch()
    deadline = time.monotonic() + timeout
    seen = 0
    while True:
        seen = sum(1 for _ in base.iterdir())
        if seen >= parties or time.monotonic() > deadline:
            break
        time.sleep(0.005)
    return {"met": seen >= parties, "seen": seen, "token": _TOKEN}


@app.get("/python")
def python() -> dict[str, Any]:
    import fasterapi

    return {
        "version": ".".join(str(part) for part in sys.version_info[:3]),
        "hexversion": sys.hexversion,
        "executable": sys.executable,
        "prefix": sys.prefix,
        "fasterapi_file": fasterapi.__file__,
    }


@app.post("/items/{item_id}", status_code=201, name="create-item")
def create_item(item_id: int) -> dict[str, int]:
    return {"item_id": item_id}
