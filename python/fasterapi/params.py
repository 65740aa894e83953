"""Markers that say where a parameter comes from and what it must satisfy.

`Query()`, `Path()`, `Header()`, `Cookie()`, `Body()`, `Form()` and `File()` take FastAPI's
arguments: a default (or `default_factory`), an `alias`, the validation
constraints `gt ge lt le multiple_of min_length max_length pattern
max_digits decimal_places`, and documentation (`title`, `description`,
`examples`, `deprecated`, `include_in_schema`, ...). The documentation is
kept as given so an OpenAPI generator can read it from `route.parameters`.

`Depends()` and `Security()` mark dependencies; `FieldInfo` is the shared
base, also returned by `fasterapi.Field()` for model fields.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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


# Constraint names, in the order pydantic checks them.
CONSTRAINTS = ("multiple_of", "le", "lt", "ge", "gt", "min_length", "max_length", "pattern",
               "max_digits", "decimal_places")


class FieldInfo:
    """Default, alias, constraints and documentation of one parameter or field."""

    __slots__ = (
        "alias", "annotation", "decimal_places", "default", "default_factory", "deprecated",
        "description", "examples", "extra", "ge", "gt", "include_in_schema", "le", "lt",
        "max_digits", "max_length", "min_length", "multiple_of", "pattern", "title",
    )

    def __init__(
        self,
        default: Any = Required,
        *,
        default_factory: Callable[[], Any] | None = None,
        alias: str | None = None,
        title: str | None = None,
        description: str | None = None,
        gt: float | None = None,
        ge: float | None = None,
        lt: float | None = None,
        le: float | None = None,
        multiple_of: float | None = None,
        min_length: int | None = None,
        max_length: int | None = None,
        pattern: str | None = None,
        regex: str | None = None,
        max_digits: int | None = None,
        decimal_places: int | None = None,
        examples: list[Any] | None = None,
        example: Any = Required,
        deprecated: bool | str | None = None,
        include_in_schema: bool = True,
        json_schema_extra: dict[str, Any] | None = None,
        **extra: Any,
    ) -> None:
        if default_factory is not None and not is_required(default):
            raise TypeError("cannot specify both default and default_factory")
        self.default = default
        self.default_factory = default_factory
        # The annotated type, filled in when a model or route is compiled.
        self.annotation: Any = None
        self.alias = alias
        self.title = title
        self.description = description
        self.gt = gt
        self.ge = ge
        self.lt = lt
        self.le = le
        self.multiple_of = multiple_of
        self.min_length = min_length
        self.max_length = max_length
        self.pattern = pattern if pattern is not None else regex
        self.max_digits = max_digits
        self.decimal_places = decimal_places
        if example is not Required and examples is None:
            examples = [example]
        self.examples = examples
        self.deprecated = deprecated
        self.include_in_schema = include_in_schema
        merged = dict(json_schema_extra or {})
        merged.update(extra)
        self.extra = merged

    @property
    def required(self) -> bool:
        return self.default_factory is None and is_required(self.default)

    def is_required(self) -> bool:
        return self.required

    def get_default(self, *, call_default_factory: bool = False) -> Any:
        if self.default_factory is not None:
            return self.default_factory() if call_default_factory else None
        return None if is_required(self.default) else self.default

    def constraints(self) -> dict[str, Any]:
        """The validation constraints that were given, by pydantic's names."""
        found: dict[str, Any] = {}
        for name in CONSTRAINTS:
            value = getattr(self, name)
            if value is not None:
                found[name] = value
        return found

    def _repr_args(self) -> list[str]:
        shown = [] if is_required(self.default) else [repr(self.default)]
        for name in ("default_factory", "alias", "title", "description", *CONSTRAINTS):
            value = getattr(self, name)
            if value is not None:
                shown.append(f"{name}={value!r}")
        return shown

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(self._repr_args())})"


class Param(FieldInfo):
    """A request parameter marker; `in_` names where its value is read."""

    __slots__ = ()
    in_: ClassVar[str] = ""


class Path(Param):
    __slots__ = ()
    in_ = "path"


class Query(Param):
    __slots__ = ()
    in_ = "query"


class Header(Param):
    """An HTTP header; `user_agent` reads `user-agent` unless convert_underscores=False."""

    __slots__ = ("convert_underscores",)
    in_ = "header"

    def __init__(self, default: Any = Required, *, convert_underscores: bool = True,
                 **kwargs: Any) -> None:
        super().__init__(default, **kwargs)
        self.convert_underscores = convert_underscores


class Cookie(Param):
    __slots__ = ()
    in_ = "cookie"


class Body(Param):
    __slots__ = ("embed", "media_type")
    in_ = "body"

    def __init__(self, default: Any = Required, *, embed: bool | None = None,
                 media_type: str = "application/json", **kwargs: Any) -> None:
        super().__init__(default, **kwargs)
        # Embedding wraps a lone body parameter in an object keyed by its name,
        # as FastAPI does when there are several.
        self.embed = bool(embed)
        self.media_type = media_type


class Form(Body):
    """A field of an urlencoded or multipart form body (parsed by the host)."""

    __slots__ = ()

    def __init__(self, default: Any = Required, *,
                 media_type: str = "application/x-www-form-urlencoded", **kwargs: Any) -> None:
        super().__init__(default, media_type=media_type, **kwargs)


class File(Form):
    """A file of a multipart form body: an `UploadFile`, or its content as `bytes`."""

    __slots__ = ()

    def __init__(self, default: Any = Required, *, media_type: str = "multipart/form-data",
                 **kwargs: Any) -> None:
        super().__init__(default, media_type=media_type, **kwargs)


class Depends:
    """A value computed by calling `dependency` (with its own parameters) per request.

    `use_cache=False` calls it again each time it is needed in one request;
    `scope="function"` closes a `yield` dependency right after the handler
    returns instead of after the response is built.
    """

    __slots__ = ("dependency", "scope", "use_cache")

    def __init__(self, dependency: Callable[..., Any] | None = None, *, use_cache: bool = True,
                 scope: str | None = None) -> None:
        if scope not in (None, "function", "request"):
            raise ValueError('Depends(scope=...) must be "function" or "request"')
        self.dependency = dependency
        self.use_cache = use_cache
        self.scope = scope

    def __repr__(self) -> str:
        name = getattr(self.dependency, "__name__", type(self.dependency).__name__)
        cache = "" if self.use_cache else ", use_cache=False"
        return f"{type(self).__name__}({name}{cache})"


class Security(Depends):
    """A dependency that also declares the OAuth2 scopes the operation needs."""

    __slots__ = ("scopes",)

    def __init__(self, dependency: Callable[..., Any] | None = None, *,
                 scopes: Sequence[str] | None = None, use_cache: bool = True) -> None:
        super().__init__(dependency, use_cache=use_cache)
        self.scopes = list(scopes or [])
