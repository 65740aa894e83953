"""A small app for the command-line and `serve` tests (tests/py/test_e2e_cli.py and
tests/py/test_e2e_serve.py): it reports which interpreter and thread answered and what Python
runs it."""

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
not_an_app = {"routes": []}


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


@app.get("/python")
def python() -> dict[str, Any]:
    import fasterapi

    return {
        "version": "%d.%d.%d" % sys.version_info[:3],
        "hexversion": sys.hexversion,
        "executable": sys.executable,
        "prefix": sys.prefix,
        "fasterapi_file": fasterapi.__file__,
    }


@app.post("/items/{item_id}", status_code=201, name="create-item")
def create_item(item_id: int) -> dict[str, int]:
    return {"item_id": item_id}
