"""Live differential test of tests/apps/diff/pydantic_app.py: pydantic models, which FasterAPI
hands to pydantic in shared mode (see diff_support.py)."""

from typing import Any

from diff_support import Case, Deviation, same_answers_and_document, served

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

test_same_answer_as_fastapi, test_same_openapi_document = same_answers_and_document(
    CASES, DEVIATIONS)
