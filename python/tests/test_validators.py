"""Conversions and error records of the type-hint validators (pydantic v2 lax rules)."""

from __future__ import annotations

import enum
from dataclasses import InitVar, dataclass, field
from typing import Annotated, Any, ClassVar, Literal, NewType, Optional

import pytest

from fasterapi._errors import ValidationFailed
from fasterapi._validators import UnsupportedType, compile_type


def ok(annotation: Any, value: Any) -> Any:
    return compile_type(annotation).validate(value)


def errors(annotation: Any, value: Any) -> list[tuple[str, tuple[Any, ...]]]:
    with pytest.raises(ValidationFailed) as info:
        compile_type(annotation).validate(value)
    return [(e["type"], e["loc"]) for e in info.value.errors]


@pytest.mark.parametrize(("text", "expected"), [
    ("3", 3), (" 3 ", 3), ("+3", 3), ("-0", 0), ("1.0", 1), ("1.00", 1), ("-1.0", -1),
    ("1_000", 1000), ("00012", 12), ("\t5\n", 5), ("9" * 4300, int("9" * 4300)),
])
def test_int_accepts_strings_like_pydantic(text: str, expected: int) -> None:
    assert ok(int, text) == expected


@pytest.mark.parametrize("text", ["1.", "1.5", "1e3", "0x10", "_1", "1__0", "1_", "", "  ",
                                  "3 4", "+-1", "1.0_0", "\u0661\u0662", "0b1"])
def test_int_rejects_strings(text: str) -> None:
    assert errors(int, text) == [("int_parsing", ())]


def test_int_too_many_digits_has_its_own_error() -> None:
    assert errors(int, "9" * 4301) == [("int_parsing_size", ())]


def test_int_from_other_types() -> None:
    assert ok(int, True) == 1
    assert ok(int, 3.0) == 3
    assert ok(int, b"7") == 7
    assert errors(int, 3.5) == [("int_from_float", ())]
    assert errors(int, float("inf")) == [("finite_number", ())]
    assert errors(int, float("nan")) == [("finite_number", ())]
    assert errors(int, None) == [("int_type", ())]
    assert errors(int, []) == [("int_type", ())]


@pytest.mark.parametrize(("text", "expected"), [
    ("1.5", 1.5), (" 1.5 ", 1.5), (".5", 0.5), ("5.", 5.0), ("1e3", 1000.0), ("1_0.5", 10.5),
    ("+1", 1.0), ("Infinity", float("inf")), ("-inf", float("-inf")),
])
def test_float_strings(text: str, expected: float) -> None:
    assert ok(float, text) == expected


def test_float_errors_and_coercions() -> None:
    assert ok(float, 3) == 3.0 and type(ok(float, 3)) is float
    assert ok(float, True) == 1.0
    assert ok(float, "nan") != ok(float, "nan")  # NaN is accepted
    for text in ("abc", "", "0x1", "1,5", "\u0661", "1__0"):
        assert errors(float, text) == [("float_parsing", ())]
    assert errors(float, None) == [("float_type", ())]
    assert errors(float, [1]) == [("float_type", ())]


@pytest.mark.parametrize("word", ["1", "on", "t", "true", "y", "yes", "TRUE", "Yes", "ON"])
def test_bool_true_words(word: str) -> None:
    assert ok(bool, word) is True


@pytest.mark.parametrize("word", ["0", "off", "f", "false", "n", "no", "FALSE", "No"])
def test_bool_false_words(word: str) -> None:
    assert ok(bool, word) is False


def test_bool_rejections_pick_pydantics_error_type() -> None:
    assert errors(bool, " true") == [("bool_parsing", ())]  # no stripping
    assert errors(bool, "") == [("bool_parsing", ())]
    assert errors(bool, 2) == [("bool_parsing", ())]
    assert errors(bool, 1.5) == [("bool_type", ())]
    assert errors(bool, None) == [("bool_type", ())]
    assert ok(bool, 1) is True and ok(bool, 0.0) is False


def test_str_and_bytes() -> None:
    assert ok(str, "x") == "x"
    assert ok(str, b"caf\xc3\xa9") == "café"
    assert errors(str, 1) == [("string_type", ())]
    assert errors(str, True) == [("string_type", ())]
    assert errors(str, b"\xff") == [("string_unicode", ())]
    assert ok(bytes, "é") == "é".encode()
    assert errors(bytes, 1) == [("bytes_type", ())]


def test_optional_passes_none_and_validates_the_rest() -> None:
    assert ok(Optional[int], None) is None
    assert ok(int | None, "4") == 4
    assert errors(int | None, "x") == [("int_parsing", ())]


def test_list_items_are_located_by_index() -> None:
    assert ok(list[int], [1, "2", 3.0]) == [1, 2, 3]
    assert ok(list[int], (1,)) == [1]
    assert errors(list[int], [1, "x", 2.5]) == [("int_parsing", (1,)), ("int_from_float", (2,))]
    assert errors(list[int], "ab") == [("list_type", ())]
    assert errors(list[int], {"a": 1}) == [("list_type", ())]
    assert ok(list, (1, "a")) == [1, "a"]


def test_set_tuple_frozenset() -> None:
    assert ok(set[int], [1, 1, "2"]) == {1, 2}
    assert ok(frozenset[str], ["a"]) == frozenset({"a"})
    assert ok(tuple[int, ...], ["1", 2]) == (1, 2)
    assert ok(tuple[int, str], [1, "a"]) == (1, "a")
    assert errors(tuple[int, str], [1]) == [("missing", (1,))]
    assert errors(tuple[int, str], [1, "a", 2]) == [("too_long", ())]
    assert errors(set[int], "x") == [("set_type", ())]
    assert errors(frozenset[int], "x") == [("frozen_set_type", ())]
    assert errors(tuple[int, ...], "x") == [("tuple_type", ())]


def test_dict_keys_and_values() -> None:
    assert ok(dict[str, int], {"a": "1"}) == {"a": 1}
    assert errors(dict[str, int], {"a": "x", 1: 2}) == [
        ("int_parsing", ("a",)), ("string_type", (1, "[key]"))]
    assert errors(dict, [1]) == [("dict_type", ())]
    assert ok(dict, {"a": [1]}) == {"a": [1]}


def test_union_prefers_exact_type_then_first_that_converts() -> None:
    assert ok(int | str, "1") == "1"
    assert ok(int | str, 1) == 1
    assert ok(int | str, True) == 1
    assert ok(float | int, "1") == 1.0
    assert ok(float | int, 1) == 1
    assert ok(int | float, "1.5") == 1.5
    assert ok(bool | int, "true") is True
    assert errors(int | str, 1.5) == [("int_from_float", ("int",)), ("string_type", ("str",))]
    assert errors(list[int] | int, ["x"]) == [("int_parsing", ("list[int]", 0)),
                                               ("int_type", ("int",))]


class Color(enum.Enum):
    red = 1
    blue = "b"


class Level(enum.IntEnum):
    low = 1


class Name(str, enum.Enum):
    a = "A"


def test_enums() -> None:
    assert ok(Color, 1) is Color.red
    assert ok(Color, "b") is Color.blue
    assert ok(Level, "1") is Level.low
    assert ok(Level, 1.0) is Level.low
    assert ok(Name, "A") is Name.a
    with pytest.raises(ValidationFailed) as info:
        ok(Color, "1")
    assert info.value.errors == [{"type": "enum", "loc": (), "msg": "Input should be 1 or 'b'",
                                  "input": "1", "ctx": {"expected": "1 or 'b'"}}]
    assert errors(Name, "a") == [("enum", ())]
    assert errors(Level, "x") == [("enum", ())]


def test_literal_is_type_strict() -> None:
    assert ok(Literal["a", 1], 1) == 1
    assert errors(Literal[1], True) == [("literal_error", ())]
    with pytest.raises(ValidationFailed) as info:
        ok(Literal["a", "b"], "c")
    assert info.value.errors[0]["msg"] == "Input should be 'a' or 'b'"


@dataclass
class Point:
    x: int
    y: int = 0
    label: str = field(default="p")
    hidden: int = field(default=5, init=False)
    registry: ClassVar[int] = 3


@dataclass
class Tree:
    name: str
    children: list[Tree] = field(default_factory=list)


@dataclass
class WithInitVar:
    a: int
    scale: InitVar[int] = 1

    def __post_init__(self, scale: int) -> None:
        self.a *= scale


def test_dataclass_fields_defaults_and_errors() -> None:
    point = ok(Point, {"x": "3", "hidden": 9, "extra": 1})
    assert point == Point(3) and point.hidden == 5
    body = {"y": "z"}
    with pytest.raises(ValidationFailed) as info:
        ok(Point, body)
    assert [(e["type"], e["loc"], e["input"]) for e in info.value.errors] == [
        ("missing", ("x",), body), ("int_parsing", ("y",), "z")]
    assert errors(Point, [1]) == [("dataclass_type", ())]


def test_dataclass_recursion_and_initvar() -> None:
    tree = ok(Tree, {"name": "r", "children": [{"name": "c"}]})
    assert tree == Tree("r", [Tree("c")])
    assert errors(Tree, {"name": "r", "children": [{}]}) == [("missing", ("children", 0, "name"))]
    assert ok(WithInitVar, {"a": 2, "scale": "3"}).a == 6


def test_annotated_newtype_and_any() -> None:
    user_id = NewType("user_id", int)
    assert ok(Annotated[int, "meta"], "5") == 5
    assert ok(user_id, "5") == 5
    assert ok(Any, object) is object
    assert ok(object, 1) == 1


def test_tags_name_types_like_pydantic() -> None:
    assert compile_type(list[Optional[int]]).tag == "list[nullable[int]]"
    assert compile_type(dict).tag == "dict[any,any]"
    assert compile_type(tuple[int, ...]).tag == "tuple[int, ...]"
    assert compile_type(Color).tag == "enum[Color]"
    assert compile_type(Point).tag == "Point"
    assert compile_type(Literal["x", 3]).tag == "literal['x',3]"


def test_unsupported_types_fail_at_compile_time() -> None:
    with pytest.raises(UnsupportedType, match="not supported yet"):
        compile_type(complex)

    @dataclass
    class Bad:
        when: complex

    with pytest.raises(UnsupportedType, match=r"Bad\.when"):
        compile_type(Bad)


def test_sequence_flag_marks_query_lists() -> None:
    assert compile_type(list[int]).is_sequence
    assert compile_type(Optional[list[str]]).is_sequence
    assert not compile_type(int).is_sequence
