"""Live differential test of tests/apps/diff/pydantic_app.py: pydantic models, which FasterAPI
hands to pydantic in shared mode (see diff_support.py)."""

from typing import Any

import pytest
from diff_support import Case, Deviation, ServerPair, case_ids, served

pair = served("pydantic_app")

CASES = [Case(*row) for row in list[tuple[str, str, dict[str, Any]]]([
    ("POST", "/posts", {"json": {"title": "t", "tags": [{"label": "ab"}]}}),
    ("POST", "/posts?q=x", {"json": {"tags": [{"label": "a"}, 3]}}),
    ("POST", "/posts", {"json": [1]}),
    ("POST", "/posts-annotated", {"json": [{"title": "a", "secret": "x"}]}),
    ("GET", "/bad", {}),
    ("GET", "/direct", {}),
])]

# Differences kept on purpose, by "METHOD url", with the reason.
DEVIATIONS: dict[str, Deviation] = {}


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_same_answer_as_fastapi(pair: ServerPair, case: Case) -> None:
    pair.check(case, DEVIATIONS)


def test_same_openapi_document(pair: ServerPair) -> None:
    pair.check_openapi()
