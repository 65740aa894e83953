"""OpenAPI differential app: separate_input_output_schemas=False, one schema per model for
bodies and responses. Served under FastAPI and FasterAPI by tests/py/test_diff_openapi.py."""

from framework import fw
from openapi_models import m

app = fw.FastAPI(separate_input_output_schemas=False)


@app.post("/items")
def create(item: m.Item) -> m.Item:
    return item
