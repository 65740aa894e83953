"""Live differential test of the OpenAPI document and docs pages: each openapi_*_app of
tests/apps/diff served under FastAPI and FasterAPI (see diff_support.py), and what both serve
compared: the document at the app's openapi_url, the docs pages, a few requests."""

from collections.abc import Iterator
from typing import NamedTuple

import pytest
from diff_support import Case, Deviation, ServerPair


class Served(NamedTuple):
    """What an app serves besides its routes."""

    document: str | None  # openapi_url
    pages: bool  # /docs and /redoc
    # JSON pointer -> reason, for deliberate differences in the document
    deviations: dict[str, str]


APPS: dict[str, Served] = {
    "openapi_shop_app": Served("/openapi.json", True, {}),
    "openapi_flat_app": Served("/openapi.json", True, {}),
    "openapi_edge_app": Served("/openapi.json", True, {}),
    "openapi_misc_app": Served("/api/schema.json", False, {}),
    "openapi_shapes_app": Served("/openapi.json", True, {}),
    "openapi_options_app": Served("/openapi.json", True, {}),
    "openapi_pydantic_app": Served("/openapi.json", True, {}),
    "openapi_off_app": Served(None, False, {}),
    "openapi_callbacks_app": Served("/openapi.json", True, {}),
}

PAGES_DIFFER = Deviation({"body"}, "FasterAPI's /docs, /redoc and OAuth2 redirect pages are "
                                   "written independently: the same assets, options and "
                                   "document URL, not the same bytes (README, OpenAPI and docs)")
PAGE_DEVIATIONS = {"GET /docs": PAGES_DIFFER, "GET /redoc": PAGES_DIFFER,
                   "GET /docs/oauth2-redirect": PAGES_DIFFER}
PAGE_CASES = [Case("GET", "/docs"), Case("GET", "/redoc"), Case("GET", "/docs/oauth2-redirect")]
NO_PAGE_CASES = [Case("GET", "/openapi.json"), *PAGE_CASES]

# app module -> requests whose answers must match (besides the pages)
CASES: dict[str, list[Case]] = {
    "openapi_shop_app": [Case("GET", "/items/0"), Case("GET", "/text"), Case("GET", "/page"),
                         Case("GET", "/items/1", {"headers": {"user-agent": "x"}})],
    "openapi_flat_app": [Case("POST", "/items", {"json": {"name": ""}})],
    "openapi_edge_app": [Case("POST", "/tree", {"json": {"label": "a", "children": [{}]}}),
                         Case("POST", "/optional-body", {"json": {"code": "abcd", "x": 1}}),
                         Case("PATCH", "/many", {"json": {"a": 1, "b": ["x"]}}),
                         Case("GET", "/legacy/old")],
    "openapi_misc_app": [Case("GET", "/outer/inner/a/b"), Case("GET", "/secure")],
    "openapi_shapes_app": [Case("GET", "/e/x1?q=10"), Case("GET", "/e/y")],
    "openapi_options_app": [Case("POST", "/shop/orders", {"json": {"qty": 0}}),
                            Case("POST", "/shop/orders", {"json": {"qty": 0},
                                                          "headers": {"x-key": "k"}})],
    "openapi_pydantic_app": [Case("GET", "/users?owner=o"),
                             Case("POST", "/items", {"json": {"item": {}, "user": 1}})],
    "openapi_off_app": [Case("GET", "/")],
    "openapi_callbacks_app": [Case("POST", "/invoices/", {"json": {"id": "7", "total": 2}}),
                              Case("GET", "/v1/status"), Case("POST", "/new-subscription")],
}


@pytest.fixture(scope="module", params=sorted(APPS))
def pair(request: pytest.FixtureRequest) -> Iterator[ServerPair]:
    """Each app in turn, its two servers started once for every test of this file."""
    with ServerPair(request.param) as started:
        yield started


def test_same_document(pair: ServerPair) -> None:
    served = APPS[pair.module]
    if served.document is None:
        pair.check(Case("GET", "/openapi.json"), {})
    else:
        pair.check_openapi(served.deviations, served.document)


def test_same_pages(pair: ServerPair) -> None:
    served = APPS[pair.module]
    failures = []
    for case in PAGE_CASES if served.pages else NO_PAGE_CASES:
        try:
            pair.check(case, PAGE_DEVIATIONS if served.pages else {})
        except AssertionError as exc:
            failures.append(str(exc))
    assert not failures, "\n\n".join(failures)
    if served.pages:
        # What the pages must share with FastAPI's, though not byte for byte.
        for path in ("/docs", "/redoc"):
            _, ours = pair.send(Case("GET", path))
            assert f'"{served.document}"'.encode() in ours.body or (
                f"'{served.document}'".encode() in ours.body), path


def test_same_answers(pair: ServerPair) -> None:
    failures = []
    for case in CASES[pair.module]:
        try:
            pair.check(case, {})
        except AssertionError as exc:
            failures.append(str(exc))
    assert not failures, "\n\n".join(failures)
