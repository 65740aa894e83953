"""Framework-free types the differential apps share (see framework.py)."""

import enum
from dataclasses import dataclass
from typing import NotRequired, TypedDict


class Color(str, enum.Enum):
    red = "red"
    blue = "blue"


@dataclass
class Point:
    x: int
    y: int = 0


class Movie(TypedDict):
    title: str
    year: int
    rating: NotRequired[float]
