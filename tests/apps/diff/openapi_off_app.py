"""OpenAPI differential app: openapi_url=None, so neither the document nor the docs pages
exist. Served under FastAPI and FasterAPI by tests/py/test_diff_openapi.py."""

from framework import fw

app = fw.FastAPI(openapi_url=None)


@app.get("/")
def root() -> dict[str, str]:
    return {}
