"""fasterapi.Model: the pydantic-style declarative model, without pydantic."""

from __future__ import annotations

import copy
import pickle
from typing import Any, Optional

import pytest

from fasterapi import Field, Model, ValidationError


class Image(Model):
    url: str
    name: str = "img"


class Item(Model):
    name: str = Field(min_length=1)
    price: float = Field(gt=0, description="in euros")
    tags: list[str] = []  # noqa: RUF012 - copied per instance, as in pydantic
    image: Optional[Image] = None
    item_id: int = Field(default=0, alias="itemId")
    notes: list[str] = Field(default_factory=lambda: ["n"])


class Node(Model):
    label: str
    children: list[Node] = []  # noqa: RUF012


class Forbidding(Model):
    model_config = {"extra": "forbid"}  # noqa: RUF012
    a: int


class Allowing(Model):
    model_config = {"extra": "allow", "populate_by_name": True}  # noqa: RUF012
    a: int = Field(alias="A")


class Frozen(Model):
    model_config = {"frozen": True}  # noqa: RUF012
    a: int


def test_construction_validates_and_fills_defaults() -> None:
    item = Item(name="x", price="2.5", image={"url": "u"})
    assert item.price == 2.5
    assert item.image == Image(url="u")
    assert item.tags == [] and item.notes == ["n"] and item.item_id == 0
    assert item.model_fields_set == {"name", "price", "image"}
    other = Item(name="y", price=1)
    other.tags.append("t")
    assert Item(name="z", price=1).tags == []  # the mutable default is copied


def test_errors_have_pydantics_shape() -> None:
    with pytest.raises(ValidationError) as info:
        Item(price=0, image=3, itemId="x")
    errors = info.value.errors()
    assert [(e["type"], e["loc"]) for e in errors] == [
        ("missing", ("name",)),
        ("greater_than", ("price",)),
        ("model_attributes_type", ("image",)),
        ("int_parsing", ("itemId",)),
    ]
    assert errors[1]["ctx"] == {"gt": 0.0}
    assert info.value.error_count() == 4
    assert str(info.value).startswith("4 validation errors for Item\nname\n  Field required")


def test_dump_options() -> None:
    item = Item(name="x", price=1, itemId=5, image={"url": "u"})
    assert item.model_dump() == {"name": "x", "price": 1.0, "tags": [],
                                 "image": {"url": "u", "name": "img"}, "item_id": 5,
                                 "notes": ["n"]}
    assert item.model_dump(by_alias=True)["itemId"] == 5
    assert item.model_dump(exclude_unset=True) == {"name": "x", "price": 1.0, "item_id": 5,
                                                   "image": {"url": "u"}}
    assert item.model_dump(include={"name": True, "image": {"url"}}) == {"name": "x",
                                                                  "image": {"url": "u"}}
    assert item.model_dump(exclude={"tags", "notes", "image"}) == {"name": "x", "price": 1.0,
                                                                   "item_id": 5}
    assert Item(name="x", price=1).model_dump(exclude_none=True, exclude_defaults=True) == {
        "name": "x", "price": 1.0, "notes": ["n"]}
    assert item.model_dump_json(include={"name", "price"}) == '{"name":"x","price":1.0}'


def test_validate_copy_and_protocols() -> None:
    item = Item.model_validate({"name": "x", "price": 1})
    assert isinstance(item, Item)
    assert Item.model_validate(item) is item
    assert Item.model_validate_json(b'{"name": "j", "price": 2}').name == "j"
    with pytest.raises(ValidationError):
        Item.model_validate([1])
    assert repr(Image(url="u")) == "Image(url='u', name='img')"
    assert dict(Image(url="u")) == {"url": "u", "name": "img"}
    changed = item.model_copy(update={"name": "y"})
    assert changed.name == "y" and item.name == "x"
    assert "name" in changed.model_fields_set
    assert copy.deepcopy(item) == item
    assert pickle.loads(pickle.dumps(item)) == item
    built = Item.model_construct(name="c")
    assert built.name == "c" and built.tags == [] and built.model_fields_set == {"name"}
    item.name = "z"
    assert item.name == "z"
    with pytest.raises(ValueError, match="has no field"):
        item.nope = 1
    assert Item != Image and item != Image(url="u")


def test_objects_with_attributes_are_read_like_from_attributes() -> None:
    class Row:
        url = "from-row"

    assert Image.model_validate(Row()) == Image(url="from-row")


def test_model_fields_and_field_info() -> None:
    fields = Item.model_fields
    assert list(fields) == ["name", "price", "tags", "image", "item_id", "notes"]
    assert fields["price"].description == "in euros"
    assert fields["price"].constraints() == {"gt": 0}
    assert fields["name"].is_required() and not fields["tags"].is_required()
    assert fields["item_id"].alias == "itemId"
    assert Item(name="x", price=1).model_fields is not None


def test_recursive_models() -> None:
    tree = Node.model_validate({"label": "r", "children": [{"label": "c"}]})
    assert tree.children[0] == Node(label="c")
    with pytest.raises(ValidationError) as info:
        Node.model_validate({"label": "r", "children": [{"children": []}]})
    assert info.value.errors()[0]["loc"] == ("children", 0, "label")


def test_model_config() -> None:
    with pytest.raises(ValidationError) as info:
        Forbidding(a=1, b=2)
    assert info.value.errors()[0]["type"] == "extra_forbidden"
    allowed = Allowing(a=1, b=2)
    assert allowed.a == 1 and allowed.model_extra == {"b": 2}
    assert allowed.model_dump(by_alias=True) == {"A": 1, "b": 2}
    frozen = Frozen(a=1)
    with pytest.raises(ValidationError):
        frozen.a = 2
    assert hash(frozen) == hash(Frozen(a=1))


def test_inheritance_keeps_field_order() -> None:
    class Base(Model):
        a: int
        b: str = "b"

    class Child(Base):
        c: float = 1.0
        b: str = "override"

    assert list(Child.model_fields) == ["a", "b", "c"]
    assert Child(a=1).model_dump() == {"a": 1, "b": "override", "c": 1.0}


def test_json_mode_formats() -> None:
    import datetime
    import decimal
    import uuid

    class Stamps(Model):
        when: datetime.datetime
        span: datetime.timedelta
        amount: decimal.Decimal
        key: uuid.UUID
        raw: Any = None

    stamps = Stamps(when="2020-01-01T00:00:00Z", span=90061.5, amount="1.50",
                    key="12345678123456781234567812345678", raw={1: float("nan")})
    assert stamps.model_dump(mode="json") == {
        "when": "2020-01-01T00:00:00Z", "span": "P1DT1H1M1.5S", "amount": "1.50",
        "key": "12345678-1234-5678-1234-567812345678", "raw": {"1": None}}
