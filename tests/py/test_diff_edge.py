"""Live differential test of tests/apps/diff/edge_app.py: generator dependencies in trouble,
dependency_overrides, nested models and unions (see diff_support.py)."""

from typing import Any

from diff_support import Case, Deviation, same_answers_and_document, served

pair = served("edge_app")

CASES = [Case(*row) for row in list[tuple[str, str, dict[str, Any]]]([
    ("GET", "/swallow", {}),
    ("GET", "/log", {}),
    ("GET", "/swallow?fail=1", {}),
    ("GET", "/log", {}),
    ("GET", "/replace", {}),
    ("GET", "/broken-cleanup", {}),
    ("GET", "/log", {}),
    ("GET", "/crashing", {}),
    ("GET", "/with-request/z?x=4", {}),
    ("GET", "/with-request/z?x=q", {}),
    ("GET", "/multiplier?value=5", {}),
    ("GET", "/multiplier?value=x", {}),
    ("POST", "/body-dep", {"json": {"note": "hi", "item": {"name": "n"}}}),
    ("POST", "/body-dep", {"json": {"item": {"price": 1}}}),
    ("POST", "/body-dep", {"json": "x"}),
    ("POST", "/catalog", {"json": {"by_name": {"a": {"name": "a"}, "b": {"price": "x"}},
                                   "featured": None, "point": {"x": 1}}}),
    ("POST", "/catalog", {"json": {"by_name": [], "featured": 3, "point": {"x": "y"}}}),
    ("POST", "/catalog", {"json": {}}),
    ("POST", "/union-body", {"json": {"name": "n"}}),
    ("POST", "/union-body", {"json": {"x": 1}}),
    ("POST", "/union-body", {"json": {"z": 1}}),
    ("GET", "/enum-list?colors=red&colors=blue", {}),
    ("GET", "/enum-list?colors=red&colors=pink", {}),
    ("GET", "/opt-list?ids=1&ids=2", {}),
    ("GET", "/opt-list?ids=1&ids=2&ids=3", {}),
    ("GET", "/opt-list", {}),
    ("GET", "/str-path/AB", {}),
    ("GET", "/str-path/A", {}),
    ("GET", "/str-path/ABCD", {}),
    ("GET", "/str-path/ab", {}),
    ("GET", "/raw-header", {}),
    ("GET", "/raw-header", {"headers": {"x_raw_name": "v"}}),
    ("GET", "/raw-header", {"headers": {"x-raw-name": "v"}}),
    ("GET", "/no-rm", {}),
    ("POST", "/rm-status", {"json": {"name": "n", "extra": 1}}),
    ("POST", "/rm-status?teapot=true", {"json": {"name": "n"}}),
    ("GET", "/rm-async", {}),
    ("GET", "/rm-dataclass-list", {}),
    ("GET", "/text-rm", {}),
    ("POST", "/scalar-bodies", {"json": {"a": 0, "b": "z"}}),
    ("POST", "/scalar-bodies", {"json": {"a": 1}}),
    ("GET", "/model-in-dict", {}),
    ("GET", "/me", {}),
    ("GET", "/me?q=5", {"headers": {"token": "t"}}),
    ("GET", "/me?q=x", {}),
])]

# Differences kept on purpose, by "METHOD url", with the reason.
DEVIATIONS: dict[str, Deviation] = {}

test_same_answer_as_fastapi, test_same_openapi_document = same_answers_and_document(
    CASES, DEVIATIONS)
