# mypy: disable-error-code="no-untyped-def"
"""OpenAPI differential app: response_model unions and dicts, openapi_examples, examples, enums of mixed values. Served under FastAPI and FasterAPI by
tests/py/test_diff_openapi.py."""

from typing import Annotated, Optional

from framework import fw
from openapi_models import Kind, m

app = fw.FastAPI()


@app.get("/u", response_model=m.User | m.Message)
def u(x: Annotated[int, fw.Query(openapi_examples={"one": {"summary": "One",
                                                            "value": 1}})] = 0,
      y: Annotated[Optional[list[str]], fw.Query()] = None,
      k: Kind = Kind.A,
      f: Annotated[float, fw.Query(examples=[1.5])] = 1.0,
      anything=None):
    return {}


@app.post("/b", status_code=200, response_model=dict[str, list[m.Message]])
def b(body: Annotated[m.Message, fw.Body(examples=[{"detail": "x"}])]):
    return {}


@app.put("/c")
def c(items: list[m.Message],
      tag: Annotated[str, fw.Body(embed=True)] = "t") -> Optional[m.Message]:
    return None


@app.get("/d", response_model=m.User, response_model_exclude_none=True, summary="D!",
         response_description="A user")
async def d():
    return {}


@app.get("/e/{ident}")
def e(ident: Annotated[str, fw.Path(min_length=2, pattern="^x")],
      q: Annotated[Optional[int], fw.Query(ge=0, le=9)] = 3):
    return {}
