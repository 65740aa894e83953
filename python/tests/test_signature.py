"""Where each handler parameter comes from, decided once at registration."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Optional

import pytest

from fasterapi import Body, Path, Query, Request
from fasterapi._signature import build_plan, is_complex


@dataclass
class Item:
    name: str


def sources(func: Any, path: set[str] | None = None) -> dict[str, list[str]]:
    plan = build_plan(func, path or set())
    return {
        "path": [s.name for s in plan.path],
        "query": [s.name for s in plan.query],
        "body": [s.name for s in plan.body],
        "request": plan.request_names,
    }


def test_fastapi_classification() -> None:
    def handler(item_id: int, q: str, tags: list[int], data: dict[str, int], item: Item,
                maybe: Optional[Item], request: Request, flag: bool = False) -> None: ...

    assert sources(handler, {"item_id"}) == {
        "path": ["item_id"],
        "query": ["q", "flag"],
        "body": ["tags", "data", "item", "maybe"],  # bare list[X] is a body, as in FastAPI
        "request": ["request"],
    }


def test_markers_override_the_guess() -> None:
    def handler(a: list[int] = Query(), b: Annotated[list[str] | None, Query()] = None,
                c: int = Body(), n: int = Path()) -> None: ...

    assert sources(handler, {"n"}) == {"path": ["n"], "query": ["a", "b"], "body": ["c"],
                                       "request": []}


def test_required_defaults_and_aliases() -> None:
    def handler(a: int, b: Optional[int], c: int = 3, d: int = Query(...),
                e: Annotated[str, Query(alias="e-e")] = "x") -> None: ...

    plan = build_plan(handler, set())
    by_name = {spec.name: spec for spec in plan.query}
    assert [by_name[n].required for n in "abcde"] == [True, True, False, True, False]
    assert by_name["c"].default == 3
    assert by_name["e"].key == "e-e"


def test_string_annotations_are_resolved() -> None:
    # This module uses `from __future__ import annotations`, so every hint is a string.
    def handler(x: int, item: Item) -> None: ...

    plan = build_plan(handler, set())
    assert plan.query[0].validate("5") == 5
    assert plan.body[0].validate({"name": "n"}) == Item("n")


def test_nested_forward_references_and_callable_objects() -> None:
    import functools

    def handler(items: list["Item"], n: int = 0) -> None: ...  # noqa: UP037

    assert build_plan(handler, set()).body[0].validate([{"name": "a"}]) == [Item("a")]

    class Endpoint:
        def __call__(self, q: int) -> None: ...

    assert build_plan(Endpoint(), set()).query[0].validate("3") == 3
    partial = functools.partial(handler, n=1)
    assert [s.name for s in build_plan(partial, set()).body] == ["items"]


def test_embedding_rules() -> None:
    def one(item: Item) -> None: ...

    def two(a: Item, b: Item) -> None: ...

    def embedded(item: Item = Body(embed=True)) -> None: ...

    assert not build_plan(one, set()).embed_body
    assert build_plan(two, set()).embed_body
    assert build_plan(embedded, set()).embed_body


def test_var_args_are_ignored() -> None:
    def handler(*args: Any, q: int = 1, **kwargs: Any) -> None: ...

    assert sources(handler)["query"] == ["q"]


def test_no_parameters() -> None:
    assert not build_plan(lambda: None, set()).has_params


def test_mistakes_are_reported_at_registration() -> None:
    def query_on_path(item_id: int = Query()) -> None: ...

    def path_without_placeholder(n: int = Path()) -> None: ...

    def dict_query(d: dict[str, int] = Query()) -> None: ...

    def list_path(ids: list[int]) -> None: ...

    def unsupported(when: complex) -> None: ...

    def both(x: Annotated[int, Query()] = Query()) -> None: ...

    def default_in_annotated(x: Annotated[int, Query(3)]) -> None: ...

    def unresolved(x: NotDefinedAnywhere) -> None: ...  # type: ignore[name-defined]  # noqa: F821

    cases = [
        (query_on_path, {"item_id"}, "in the path template"),
        (path_without_placeholder, set(), "has no {n}"),
        (dict_query, set(), "can only come from the body"),
        (list_path, {"ids"}, "single values"),
        (unsupported, set(), "not supported yet"),
        (both, set(), "either in Annotated or as the default"),
        (default_in_annotated, set(), "cannot be set in `Annotated`"),
        (unresolved, set(), "cannot resolve"),
    ]
    for func, path, message in cases:
        with pytest.raises(TypeError, match=message):
            build_plan(func, path)


def test_is_complex() -> None:
    assert is_complex(list[int]) and is_complex(dict) and is_complex(Item)
    assert is_complex(Optional[Item]) and is_complex(Annotated[set[int], "x"])
    assert not is_complex(int) and not is_complex(str) and not is_complex(Optional[int])
    assert not is_complex(bytes)
