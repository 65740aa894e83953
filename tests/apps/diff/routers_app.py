# mypy: disable-error-code="no-untyped-def"
"""Differential app: app-, router- and include-level dependencies, nested routers with
prefixes and tags, and an app-wide handler for RequestValidationError. Served under FastAPI
and FasterAPI by tests/py/test_diff_routers.py."""

from typing import Any, Optional

from framework import fw

seen: list[str] = []


def app_dep():
    seen.append("app")


def router_dep(x_router: Optional[str] = fw.Header(None)):
    seen.append(f"router:{x_router}")
    if x_router == "deny":
        raise fw.HTTPException(status_code=403, detail="router says no")


def include_dep(lang: str = "en"):
    seen.append(f"include:{lang}")



app = fw.FastAPI(dependencies=[fw.Depends(app_dep)])
router = fw.APIRouter(prefix="/users", tags=["users"],
                      dependencies=[fw.Depends(router_dep)],
                      responses={404: {"description": "Not found"}})


@router.get("/")
def list_users():
    return {"seen": list(seen)}


@router.get("/{uid}")
def get_user(uid: int):
    seen.clear()
    return uid


@router.post("/{uid}/items", status_code=201)
def add_item(uid: int, name: str = fw.Body(embed=True)):
    return {"uid": uid, "name": name}


inner = fw.APIRouter()


@inner.get("/ping")
def ping():
    return "pong"

router.include_router(inner, prefix="/inner")
app.include_router(router, prefix="/v1", dependencies=[fw.Depends(include_dep)])


@app.get("/seen")
def get_seen():
    copy = list(seen)
    seen.clear()
    return copy


@app.exception_handler(fw.RequestValidationError)
async def custom_422(request: Any, exc: Any):
    return fw.PlainTextResponse(f"bad request: {len(exc.errors())} error(s)",
                                status_code=400)
