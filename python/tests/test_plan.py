"""Applying a compiled plan to one raw request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from fasterapi import Query, Request
from fasterapi._raw import PyRawRequest
from fasterapi._signature import build_plan
from fasterapi.exceptions import HTTPException, RequestValidationError

JSON = [(b"content-type", b"application/json")]


@dataclass
class Item:
    name: str
    price: float = 0.0


def solve(func: Any, path: set[str] | None = None, **raw: Any) -> dict[str, Any]:
    return build_plan(func, path or set()).solve(PyRawRequest(**raw))


def failure(func: Any, path: set[str] | None = None, **raw: Any) -> list[dict[str, Any]]:
    with pytest.raises(RequestValidationError) as info:
        solve(func, path, **raw)
    return list(info.value.errors())


def test_converts_path_and_query() -> None:
    def handler(item_id: int, q: str = "d", n: float | None = None) -> None: ...

    assert solve(handler, {"item_id"}, path_params={"item_id": "7"},
                 query_string=b"q=a+b%21&n=1.5") == {"item_id": 7, "q": "a b!", "n": 1.5}
    assert solve(handler, {"item_id"}, path_params={"item_id": "7"}) == {
        "item_id": 7, "q": "d", "n": None}


def test_repeated_scalar_takes_last_and_lists_take_all() -> None:
    def handler(a: int, b: list[int] = Query(), c: list[str] = Query(["x"])) -> None: ...

    assert solve(handler, query_string=b"a=1&a=2&b=3&b=4") == {"a": 2, "b": [3, 4], "c": ["x"]}


def test_mutable_defaults_are_copied_per_request() -> None:
    def handler(c: list[str] = Query(["x"])) -> None: ...

    plan = build_plan(handler, set())
    first = plan.solve(PyRawRequest())["c"]
    first.append("mutated")
    assert plan.solve(PyRawRequest())["c"] == ["x"]


def test_errors_are_grouped_path_query_body() -> None:
    def handler(q: int, item: Item, item_id: int) -> None: ...

    found = failure(handler, {"item_id"}, path_params={"item_id": "x"}, body=b"[]",
                    headers=JSON)
    assert [(e["type"], e["loc"]) for e in found] == [
        ("int_parsing", ("path", "item_id")),
        ("missing", ("query", "q")),
        ("dataclass_type", ("body",)),
    ]
    assert found[1]["input"] is None


def test_invalid_json_is_reported_alone() -> None:
    def handler(q: int, item: Item) -> None: ...

    found = failure(handler, body=b'{"a":', headers=JSON)
    assert found == [{"type": "json_invalid", "loc": ("body", 5), "msg": "JSON decode error",
                      "input": {}, "ctx": {"error": "Expecting value"}}]


def test_undecodable_json_body_is_a_400() -> None:
    def handler(item: Item) -> None: ...

    with pytest.raises(HTTPException) as info:
        solve(handler, body=b"\xff\xfe\x00", headers=JSON)
    assert info.value.status_code == 400
    assert info.value.detail == "There was an error parsing the body"


def test_single_body_null_and_absent() -> None:
    def required(d: dict[str, int]) -> None: ...

    def optional(item: Item | None = None) -> None: ...

    assert [e["type"] for e in failure(required, body=b"null", headers=JSON)] == ["dict_type"]
    assert [e["type"] for e in failure(required)] == ["missing"]
    assert solve(optional) == {"item": None}
    assert solve(optional, body=b"null", headers=JSON) == {"item": None}


def test_embedded_bodies() -> None:
    def handler(a: Item, b: Item | None = None) -> None: ...

    assert solve(handler, body=b'{"a": {"name": "x"}}', headers=JSON) == {
        "a": Item("x"), "b": None}
    assert [(e["type"], e["loc"]) for e in failure(handler, body=b"[]", headers=JSON)] == [
        ("missing", ("body", "a")), ("missing", ("body", "b"))]
    # Raw bytes (no JSON content type) leave every embedded field absent.
    assert [e["loc"] for e in failure(handler, body=b'{"a": {"name": "x"}}')] == [("body", "a")]


def test_request_parameter_gets_one_shared_request() -> None:
    def handler(r1: Request, r2: Request, q: int = 0) -> None: ...

    values = build_plan(handler, set()).solve(PyRawRequest(), "the-app")
    assert values["r1"] is values["r2"]
    assert values["r1"].app == "the-app"


def test_error_body_is_kept_for_handlers() -> None:
    def handler(item: Item) -> None: ...

    with pytest.raises(RequestValidationError) as info:
        solve(handler, body=b'{"price": "x"}', headers=JSON)
    assert info.value.body == {"price": "x"}
