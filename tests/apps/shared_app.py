"""An app that imports a single-phase C extension (readline), which own-GIL sub-interpreters
refuse: the server must fall back to shared mode by itself."""

import sys

import readline  # noqa: F401  (the point of this app)

from fasterapi import FastAPI

app = FastAPI()


@app.get("/where")
def where() -> dict[str, bool]:
    # readline is importable here only in the main interpreter
    return {"readline": "readline" in sys.modules}


@app.get("/version")
def version() -> dict[str, str]:
    return {"python": "%d.%d" % sys.version_info[:2]}
