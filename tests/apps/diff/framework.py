"""The one switch of the differential apps: FRAMEWORK=fastapi or FRAMEWORK=fasterapi picks the
framework every app of this directory imports, as a user switching would change one import.

tests/py/diff_support.py serves each app twice: under uvicorn with FastAPI from the reference
venv (.venv-ref), and under `fasterapi serve`. The apps use `fw.NAME` for every framework name,
and `fw.Model`/`fw.Field` for models: pydantic's BaseModel/Field under FastAPI, fasterapi's
Model/Field under FasterAPI.
"""

import importlib
import os
from types import SimpleNamespace

FRAMEWORKS = ("fastapi", "fasterapi")

FRAMEWORK = os.environ.get("FRAMEWORK", "")
if FRAMEWORK not in FRAMEWORKS:
    raise RuntimeError(f"set FRAMEWORK to one of {', '.join(FRAMEWORKS)} to serve this app "
                       f"(got {FRAMEWORK!r})")

_TOP = ("FastAPI", "APIRouter", "HTTPException", "Request", "Response", "Query", "Body", "Path",
        "Header", "Cookie", "Depends", "Security", "BackgroundTasks", "Form", "File", "UploadFile")
_RESPONSES = ("JSONResponse", "HTMLResponse", "PlainTextResponse", "RedirectResponse")

_framework = importlib.import_module(FRAMEWORK)
_responses = importlib.import_module(f"{FRAMEWORK}.responses")

fw = SimpleNamespace(
    name=FRAMEWORK,
    security=importlib.import_module(f"{FRAMEWORK}.security"),
    responses=_responses,
    RequestValidationError=importlib.import_module(
        f"{FRAMEWORK}.exceptions").RequestValidationError,
    **{name: getattr(_framework, name) for name in _TOP},
    **{name: getattr(_responses, name) for name in _RESPONSES},
)
if FRAMEWORK == "fastapi":
    import pydantic

    fw.Model, fw.Field = pydantic.BaseModel, pydantic.Field
else:
    fw.Model, fw.Field = _framework.Model, _framework.Field
