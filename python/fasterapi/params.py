"""Markers that say where a parameter comes from: `q: list[int] = Query()`.

Only the source, the default and an alias exist so far; constraints such as
`ge=` or `max_length=` belong to a later release and are refused (TypeError)
rather than silently ignored.
"""

from __future__ import annotations

from typing import Any, ClassVar


class _RequiredType:
    """Default of a marker built without one: the parameter is required."""

    _instance: _RequiredType | None = None

    def __new__(cls) -> _RequiredType:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "Required"

    def __reduce__(self) -> str:
        return "Required"


Required: Any = _RequiredType()


def is_required(default: Any) -> bool:
    # FastAPI spells "required" both as no default and as `...`.
    return default is Required or default is Ellipsis


class Param:
    in_: ClassVar[str] = ""

    def __init__(self, default: Any = Required, *, alias: str | None = None) -> None:
        self.default = default
        self.alias = alias

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.default!r})"


class Path(Param):
    in_ = "path"


class Query(Param):
    in_ = "query"


class Body(Param):
    in_ = "body"

    def __init__(self, default: Any = Required, *, embed: bool = False,
                 alias: str | None = None) -> None:
        super().__init__(default, alias=alias)
        # Embedding wraps a lone body parameter in an object keyed by its name,
        # as FastAPI does when there are several.
        self.embed = embed
