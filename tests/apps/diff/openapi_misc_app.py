# mypy: disable-error-code="no-untyped-def"
"""OpenAPI differential app: a moved document and no docs pages, a form media type, Security scopes, API keys in cookies and queries, nested routers. Served under FastAPI and FasterAPI by
tests/py/test_diff_openapi.py."""

import datetime
import decimal
import uuid
from typing import Annotated, Optional

from framework import fw

oauth2 = fw.security.OAuth2PasswordBearer(tokenUrl="/auth/token",
                                           scopes={"a": "A", "b": "B"},
                                           scheme_name="Login", description="Log in")
cookie_key = fw.security.APIKeyCookie(name="session")
query_key = fw.security.APIKeyQuery(name="key", scheme_name="QueryKey")
app = fw.FastAPI(openapi_url="/api/schema.json", docs_url=None, redoc_url=None)


@app.post("/form", status_code=201, responses={201: {"description": "Made"},
                                               409: {"description": "Clash"}})
def form(data: Annotated[dict[str, str],
                         fw.Body(media_type="application/x-www-form-urlencoded")]):
    return {}


@app.get("/secure", dependencies=[fw.Security(oauth2, scopes=["a"])])
def secure(other: Annotated[str, fw.Security(oauth2, scopes=["b"])],
           c: Annotated[str, fw.Depends(cookie_key)], k=fw.Depends(query_key)):
    return {}


@app.get("/headers")
def headers(x_tag: Annotated[list[str], fw.Header()] = [],  # noqa: B006
            when: Annotated[Optional[datetime.datetime], fw.Header()] = None,
            ident: Annotated[Optional[uuid.UUID], fw.Query()] = None,
            price: Annotated[decimal.Decimal, fw.Query(ge=0)] = decimal.Decimal("2")):
    return {}


@app.get("/same")
def same_get() -> str:
    return ""


@app.delete("/same", summary="Remove", description="Removes it")
def same_delete() -> bool:
    return True

inner = fw.APIRouter(prefix="/inner", tags=["inner"])
outer = fw.APIRouter(prefix="/outer", tags=["outer"],
                     responses={503: {"description": "Busy"}})


@inner.get("/{name:path}")
def deep(name: str) -> dict[str, str]:
    return {"name": name}

outer.include_router(inner)
app.include_router(outer)
