"""Models and types of the OpenAPI differential apps (tests/py/test_diff_openapi.py)."""

import datetime
import decimal
import enum
import uuid
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Annotated, Any, Literal, Optional, TypedDict

from framework import fw
from shapes import Color


class Level(enum.IntEnum):
    """How loud."""

    low = 1
    high = 2


@dataclass
class Owner:
    name: str
    age: int = 0
    tags: list[str] = field(default_factory=list)


@dataclass
class Pet:
    """A pet."""

    kind: Literal["cat", "dog"]
    owner: Optional[Owner] = None


class Stats(TypedDict):
    count: int
    mean: float


def make_models(Base: Any, Field: Any) -> SimpleNamespace:
    """Models of `Base` (fasterapi's Model or pydantic's BaseModel) with `Field`."""

    class Image(Base):
        url: str = Field(pattern="^https?://")
        width: int = Field(gt=0, le=10000)

    class Item(Base):
        """An item for sale."""

        name: str = Field(min_length=1, max_length=50, description="Shown to buyers")
        price: decimal.Decimal
        tax: Optional[float] = None
        tags: set[str] = set()  # noqa: RUF012 - a model field default
        images: list[Image] = []  # noqa: RUF012
        color: Color = Color.red
        level: Optional[Level] = None
        created: datetime.datetime
        day: datetime.date = datetime.date(2024, 1, 2)
        uid: uuid.UUID
        attrs: dict[str, int] = {}  # noqa: RUF012
        pair: tuple[int, str] = (1, "a")
        anything: Any = None
        sku: str = Field("x", alias="SKU", examples=["A-1"])
        kind: Literal["new", "used"] = "new"

    class Message(Base):
        detail: str

    class User(Base):
        username: str
        email: Optional[str] = None
        full_name: Annotated[Optional[str], Field(title="Full name")] = None

    return SimpleNamespace(Image=Image, Item=Item, Message=Message, User=User)


@dataclass
class Node:
    label: str
    children: list["Node"] = field(default_factory=list)


class Payload(TypedDict):
    a: int
    b: list[str]


class Kind(enum.Enum):
    A = "a"
    B = 2


# The models of the framework the app runs on (framework.py).
m = make_models(fw.Model, fw.Field)
