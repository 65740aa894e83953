"""fasterapi.openapi.schema: JSON Schema from type hints, pydantic v2's shapes and names.

(tests/py/test_diff_openapi.py compares the same shapes with real FastAPI and pydantic; these
tests pin them without FastAPI installed.)
"""

from __future__ import annotations

import datetime
import decimal
import enum
import uuid
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, NotRequired, Optional, TypedDict

import pytest

from fasterapi import Field, Model
from fasterapi.openapi.schema import (
    REF_PREFIX,
    SERIALIZATION,
    VALIDATION,
    SchemaGenerator,
    iso_duration,
    json_default,
    title_from_name,
    wants_title,
)
from fasterapi.params import Query


def schema_of(annotation: Any, mode: str = VALIDATION, **constraints: Any) -> Any:
    generator = SchemaGenerator()
    made = generator.type_schema(annotation, mode, constraints)
    box = [made]
    components = generator.finish(box)
    return box[0], components


class Color(str, enum.Enum):
    red = "red"
    blue = "blue"


class Level(enum.IntEnum):
    """How loud."""

    low = 1
    high = 2


@pytest.mark.parametrize(("annotation", "expected"), [
    (int, {"type": "integer"}),
    (float, {"type": "number"}),
    (bool, {"type": "boolean"}),
    (str, {"type": "string"}),
    (bytes, {"type": "string", "contentMediaType": "application/octet-stream"}),
    (None, {"type": "null"}),
    (Any, {}),
    (Optional[int], {"anyOf": [{"type": "integer"}, {"type": "null"}]}),
    (int | str, {"anyOf": [{"type": "integer"}, {"type": "string"}]}),
    (list[int], {"items": {"type": "integer"}, "type": "array"}),
    (list, {"items": {}, "type": "array"}),
    (set[str], {"items": {"type": "string"}, "type": "array", "uniqueItems": True}),
    (tuple[int, ...], {"items": {"type": "integer"}, "type": "array"}),
    (tuple[int, str], {"prefixItems": [{"type": "integer"}, {"type": "string"}],
                       "type": "array", "maxItems": 2, "minItems": 2}),
    (dict[str, int], {"additionalProperties": {"type": "integer"}, "type": "object"}),
    (dict[str, Any], {"additionalProperties": True, "type": "object"}),
    (Literal["a", "b"], {"type": "string", "enum": ["a", "b"]}),
    (Literal["x"], {"type": "string", "const": "x"}),
    (Literal["a", 1], {"enum": ["a", 1]}),
    (datetime.datetime, {"type": "string", "format": "date-time"}),
    (datetime.date, {"type": "string", "format": "date"}),
    (datetime.time, {"type": "string", "format": "time"}),
    (datetime.timedelta, {"type": "string", "format": "duration"}),
    (uuid.UUID, {"type": "string", "format": "uuid"}),
    (decimal.Decimal, {"anyOf": [{"type": "number"}, {"type": "string"}]}),
])
def test_plain_types(annotation: Any, expected: Any) -> None:
    assert schema_of(annotation) == (expected, {})


def test_decimal_is_a_string_in_responses() -> None:
    assert schema_of(decimal.Decimal, SERIALIZATION) == ({"type": "string"}, {})


def test_constraints_use_json_schema_keywords() -> None:
    assert schema_of(int, gt=1, le=5, multiple_of=2)[0] == {
        "type": "integer", "exclusiveMinimum": 1.0, "maximum": 5.0, "multipleOf": 2.0}
    assert schema_of(str, min_length=1, max_length=3, pattern="^a")[0] == {
        "type": "string", "minLength": 1, "maxLength": 3, "pattern": "^a"}
    assert schema_of(list[int], min_length=1)[0] == {
        "items": {"type": "integer"}, "type": "array", "minItems": 1}
    # On an optional value the constraints describe the value, not the null.
    assert schema_of(Optional[str], max_length=5)[0] == {
        "anyOf": [{"type": "string", "maxLength": 5}, {"type": "null"}]}
    assert schema_of(Annotated[float, Query(lt=0)])[0] == {
        "type": "number", "exclusiveMaximum": 0.0}


def test_enums_are_components() -> None:
    made, components = schema_of(Optional[Level])
    assert made == {"anyOf": [{"$ref": REF_PREFIX + "Level"}, {"type": "null"}]}
    assert components == {"Level": {"type": "integer", "enum": [1, 2], "title": "Level",
                                    "description": "How loud."}}
    assert schema_of(Color)[1]["Color"] == {"type": "string", "enum": ["red", "blue"],
                                            "title": "Color"}


class Owner(Model):
    """Who owns it."""

    name: str = Field(min_length=1, description="Full name")
    email: str | None = None


class Item(Model):
    model_config = {"extra": "forbid"}  # noqa: RUF012

    title: str
    price: decimal.Decimal = decimal.Decimal("1.5")
    owner: Owner | None = None
    color: Color = Color.red
    tags: list[str] = Field(default_factory=list)
    sku: str = Field("x", alias="SKU", examples=["A-1"])
    span: datetime.timedelta = datetime.timedelta(hours=1)


def test_model_component() -> None:
    made, components = schema_of(Item)
    assert made == {"$ref": REF_PREFIX + "Item"}
    assert components["Owner"] == {
        "properties": {
            "name": {"type": "string", "minLength": 1, "title": "Name",
                     "description": "Full name"},
            "email": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Email",
                      "default": None},
        },
        "type": "object", "required": ["name"], "title": "Owner",
        "description": "Who owns it.",
    }
    item = components["Item"]
    assert item["required"] == ["title"]
    assert item["additionalProperties"] is False
    properties = item["properties"]
    assert properties["price"]["default"] == "1.5"
    assert properties["owner"] == {"anyOf": [{"$ref": REF_PREFIX + "Owner"}, {"type": "null"}],
                                   "default": None}
    assert properties["color"] == {"$ref": REF_PREFIX + "Color", "default": "red"}
    assert properties["tags"] == {"items": {"type": "string"}, "type": "array",
                                  "title": "Tags"}
    assert properties["SKU"] == {"type": "string", "title": "Sku", "default": "x",
                                 "examples": ["A-1"]}
    assert properties["span"]["default"] == "PT1H"


def test_a_class_used_both_ways_is_split_only_when_its_schemas_differ() -> None:
    generator = SchemaGenerator()
    box = [generator.type_schema(Item, VALIDATION), generator.type_schema(Item, SERIALIZATION),
           generator.type_schema(Owner, SERIALIZATION)]
    components = generator.finish(box)
    assert box == [{"$ref": REF_PREFIX + "Item-Input"}, {"$ref": REF_PREFIX + "Item-Output"},
                   {"$ref": REF_PREFIX + "Owner"}]
    assert set(components) == {"Item-Input", "Item-Output", "Owner", "Color"}
    assert components["Item-Output"]["properties"]["price"]["type"] == "string"


def test_without_separate_schemas_everything_is_an_input() -> None:
    generator = SchemaGenerator(separate_input_output=False)
    box = [generator.type_schema(Item, SERIALIZATION)]
    components = generator.finish(box)
    assert box == [{"$ref": REF_PREFIX + "Item"}]
    assert components["Item"]["properties"]["price"]["anyOf"][1] == {"type": "string"}


@dataclass
class Node:
    label: str
    children: list[Node] = field(default_factory=list)


def test_self_referencing_dataclass() -> None:
    generator = SchemaGenerator()
    box = [generator.type_schema(Node, VALIDATION), generator.type_schema(Node, SERIALIZATION)]
    components = generator.finish(box)
    # pydantic keeps a self-referencing class split in two (each refers to itself).
    assert components["Node-Input"]["properties"]["children"]["items"] == {
        "$ref": REF_PREFIX + "Node-Input"}
    assert "description" not in components["Node-Input"]  # dataclasses' own __doc__


class Stats(TypedDict):
    """Numbers."""

    count: int
    mean: NotRequired[float]


def test_typeddict_component() -> None:
    assert schema_of(Stats)[1]["Stats"] == {
        "properties": {"count": {"type": "integer", "title": "Count"},
                       "mean": {"type": "number", "title": "Mean"}},
        "type": "object", "required": ["count"], "title": "Stats", "description": "Numbers."}


def test_same_names_are_module_qualified() -> None:
    first = type("Twin", (Model,), {"__annotations__": {"a": int}, "__module__": "one"})
    second = type("Twin", (Model,), {"__annotations__": {"b": int}, "__module__": "two"})
    generator = SchemaGenerator()
    box = [generator.type_schema(first, VALIDATION), generator.type_schema(second, VALIDATION)]
    assert set(generator.finish(box)) == {"one__Twin", "two__Twin"}


def test_unknown_types_are_refused() -> None:
    with pytest.raises(TypeError, match="no JSON Schema"):
        schema_of(complex)


def test_titles_and_defaults() -> None:
    assert title_from_name("item_id") == "Item Id"
    assert title_from_name("user-agent") == "User-Agent"
    assert title_from_name("any_") == "Any"
    assert wants_title(int) and wants_title(int | str)
    assert not wants_title(Owner) and not wants_title(Optional[Color])
    assert json_default(decimal.Decimal("2.50")) == "2.50"
    assert json_default(Color.blue) == "blue"


@pytest.mark.parametrize(("value", "text"), [
    (datetime.timedelta(0), "PT0S"),
    (datetime.timedelta(days=1, seconds=3661), "P1DT1H1M1S"),
    (datetime.timedelta(seconds=1.5), "PT1.5S"),
    (datetime.timedelta(days=-1), "-P1D"),
    (datetime.timedelta(seconds=-1), "-PT1S"),
    (datetime.timedelta(days=400, microseconds=5), "P1Y35DT0.000005S"),
])
def test_iso_durations_as_pydantic_writes_them(value: datetime.timedelta, text: str) -> None:
    assert iso_duration(value) == text
