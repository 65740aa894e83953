"""OpenAPI differential app: pydantic models under both frameworks (FasterAPI, in shared mode,
takes pydantic's own schemas and names them as FastAPI does). Served under FastAPI and
FasterAPI by tests/py/test_diff_openapi.py."""

from typing import Annotated, Optional

import pydantic
from framework import fw
from openapi_models import make_models

m = make_models(pydantic.BaseModel, pydantic.Field)
app = fw.FastAPI()


@app.post("/items")
def create(item: m.Item, user: m.User) -> m.Item:
    return item


@app.get("/users")
def users(owner: Annotated[Optional[str], fw.Query()] = None) -> list[m.User]:
    return []
