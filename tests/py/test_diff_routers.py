"""Live differential test of tests/apps/diff/routers_app.py: dependencies at every level,
nested routers, a RequestValidationError handler (see diff_support.py)."""

from typing import Any

from diff_support import Case, Deviation, same_answers_and_document, served

pair = served("routers_app")

CASES = [Case(*row) for row in list[tuple[str, str, dict[str, Any]]]([
    ("GET", "/v1/users/", {}),
    ("GET", "/seen", {}),
    ("GET", "/v1/users/?lang=fr", {"headers": {"x-router": "r"}}),
    ("GET", "/seen", {}),
    ("GET", "/v1/users/3", {"headers": {"x-router": "deny"}}),
    ("GET", "/v1/users/x", {}),
    ("GET", "/seen", {}),
    ("POST", "/v1/users/4/items", {"json": {"name": "n"}}),
    ("POST", "/v1/users/4/items", {"json": {}}),
    ("GET", "/v1/users/inner/ping", {}),
    ("GET", "/seen", {}),
    # answered by the server's router, before any handler: unknown paths, other methods,
    # the slash redirect both ways, HEAD
    ("GET", "/nowhere", {}),
    ("GET", "/v1/users/3/items", {}),
    ("DELETE", "/v1/users/3", {}),
    ("PUT", "/seen", {}),
    ("GET", "/v1/users", {}),
    ("GET", "/v1/users?lang=de", {}),
    ("GET", "/seen/", {}),
    ("POST", "/v1/users/4/items/", {"json": {"name": "n"}}),
    ("HEAD", "/v1/users/5", {}),
    ("HEAD", "/seen", {}),
    ("OPTIONS", "/seen", {}),
    ("GET", "/seen", {}),
])]

# FastAPI's routes answer only the methods they declare, so HEAD on a GET route is a 405 (its
# `Allow` says GET); FasterAPI answers HEAD wherever GET is answered, as RFC 9110 section 9.1
# asks of every general-purpose server, and its `Allow` says so.
HEAD = "HEAD is answered on GET routes (RFC 9110 section 9.1); FastAPI gives 405"
ALLOW = "`Allow` lists HEAD beside GET, since HEAD is answered (RFC 9110 section 9.1)"

# Differences kept on purpose, by "METHOD url", with the reason.
DEVIATIONS: dict[str, Deviation] = {
    "DELETE /v1/users/3": Deviation({"headers"}, ALLOW),
    "PUT /seen": Deviation({"headers"}, ALLOW),
    "OPTIONS /seen": Deviation({"headers"}, ALLOW),
    "HEAD /v1/users/5": Deviation({"status", "headers"}, HEAD),
    "HEAD /seen": Deviation({"status", "headers"}, HEAD),
}

test_same_answer_as_fastapi, test_same_openapi_document = same_answers_and_document(
    CASES, DEVIATIONS)
