"""An app that imports a single-phase C extension (readline), which own-GIL sub-interpreters
refuse: the server must fall back to shared mode by itself."""

import readline  # noqa: F401  (the point of this app)
import sys

from fasterapi import FastAPI

app = FastAPI()


@app.get("/where")
def where() -> dict[str, bool]:
    # readline is importable here only in the main interpreter
    return {"readline": "readline" in sys.modules}


@app.get("/version")
def version() -> dict[str, str]:
    return {"python": f"{sys.version_info[0]}.{sys.version_info[1]}"}
