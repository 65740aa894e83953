# mypy: disable-error-code="no-untyped-def"
"""OpenAPI differential app: app metadata, tags, servers, security schemes, parameters of every kind, docstrings, routers with responses. Served under FastAPI and FasterAPI by
tests/py/test_diff_openapi.py."""

import datetime
from typing import Annotated, Any, Literal, Optional

from framework import fw
from openapi_models import Owner, Pet, Stats, m
from shapes import Color

app = fw.FastAPI(
    title="Shop", version="1.2.3", summary="A shop", description="Sells **things**.",
    openapi_tags=[{"name": "items", "description": "Items for sale"}],
    servers=[{"url": "https://shop.example", "description": "production"}],
    contact={"name": "Ops", "email": "ops@shop.example"},
    license_info={"name": "MIT"}, terms_of_service="https://shop.example/tos",
)
oauth2 = fw.security.OAuth2PasswordBearer(
    tokenUrl="token", scopes={"items:write": "Change items", "me": "Read me"})
bearer = fw.security.HTTPBearer(description="A JWT")
basic = fw.security.HTTPBasic()
api_key = fw.security.APIKeyHeader(name="X-API-Key", auto_error=False)


def current_user(token: Annotated[str, fw.Depends(oauth2)]):
    return token


def pagination(skip: int = 0, limit: Annotated[int, fw.Query(le=100)] = 10):
    return skip, limit


@app.get("/items/{item_id}", tags=["items"], response_model=m.Item,
         responses={404: {"model": m.Message, "description": "Not there"}})
def read_item(
    item_id: Annotated[int, fw.Path(ge=1, title="The item", description="Its id")],
    q: Annotated[Optional[str], fw.Query(max_length=20, deprecated=True)] = None,
    color: Color = Color.blue,
    ids: Annotated[list[int], fw.Query()] = [],  # noqa: B006
    user_agent: Annotated[Optional[str], fw.Header()] = None,
    session: Annotated[Optional[str], fw.Cookie()] = None,
):
    """Read one item.

    It must exist.
    \f
    Not for the docs.
    """
    return {}


@app.post("/items", tags=["items"], status_code=201, summary="Create an item",
          response_description="The new item")
def create_item(item: m.Item, user: Annotated[str, fw.Security(current_user,
                                                               scopes=["items:write"])]
                ) -> m.Item:
    return item


@app.put("/items/{item_id}", tags=["items"], deprecated=True, operation_id="replace")
def replace_item(item_id: int, item: m.Item, owner: Owner,
                 importance: Annotated[int, fw.Body(gt=0)] = 1) -> dict[str, Any]:
    return {}


@app.delete("/items/{item_id}", status_code=204, tags=["items"])
def delete_item(item_id: int, token=fw.Depends(bearer)):
    return None


@app.post("/pets", response_model=list[Pet])
def add_pet(pet: Annotated[Pet, fw.Body(embed=True)], paging=fw.Depends(pagination)):
    return [pet]


@app.get("/stats")
def stats(credentials=fw.Depends(basic)) -> Stats:
    return {"count": 0, "mean": 0.0}


@app.get("/me", response_model=m.User)
def me(key: Annotated[Optional[str], fw.Depends(api_key)]):
    return {}


@app.get("/page", response_class=fw.responses.HTMLResponse)
def page():
    return "<p>hi</p>"


@app.get("/text", response_class=fw.responses.PlainTextResponse)
def text():
    return "hi"


@app.get("/hidden", include_in_schema=False)
def hidden():
    return {}


@app.api_route("/multi", methods=["GET", "POST"])
def multi():
    return {}


@app.get("/when/{day}")
def when(day: datetime.date, at: Optional[datetime.time] = None,
         span: datetime.timedelta = datetime.timedelta(hours=1),
         ratio: Annotated[float, fw.Query(gt=0, lt=1, multiple_of=0.25)] = 0.5,
         mode: Literal["a", "b"] = "a") -> list[datetime.datetime]:
    return []


@app.post("/raw")
def raw(payload: dict[str, Any], strict: bool = False) -> int:
    return 1

router = fw.APIRouter(prefix="/admin", tags=["admin"],
                      responses={418: {"description": "Teapot"}})


@router.get("/users/{username}", responses={"4XX": {"model": m.Message}})
def admin_user(username: str) -> m.User:
    return {}

app.include_router(router, prefix="/v1", dependencies=[fw.Depends(current_user)])
