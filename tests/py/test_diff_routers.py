"""Live differential test of tests/apps/diff/routers_app.py: dependencies at every level,
nested routers, a RequestValidationError handler (see diff_support.py)."""

from typing import Any

import pytest
from diff_support import Case, Deviation, ServerPair, case_ids, served

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
])]

# Differences kept on purpose, by "METHOD url", with the reason.
DEVIATIONS: dict[str, Deviation] = {}


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_same_answer_as_fastapi(pair: ServerPair, case: Case) -> None:
    pair.check(case, DEVIATIONS)


def test_same_openapi_document(pair: ServerPair) -> None:
    pair.check_openapi()
