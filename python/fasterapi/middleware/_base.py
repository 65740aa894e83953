"""What the built-in middleware classes share: option checks and the form sent to Go."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection
from typing import Any


class GoMiddleware(ABC):
    """A middleware that the Go server runs; `go_config` is what it needs, as plain JSON."""

    go_name = ""

    def __init__(self, app: Any = None) -> None:
        self.app = app

    @abstractmethod
    def go_config(self) -> dict[str, Any]:
        """The options as the Go server reads them."""


def string_list(owner: str, option: str, value: Any) -> list[str]:
    """Check that `value` is a collection of strings (a bare string is refused: in Starlette
    it would be taken letter by letter)."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Collection):
        raise TypeError(f"{owner}({option}=...) must be a list of strings, "
                        f"not {type(value).__name__} {value!r}")
    items = list(value)
    for item in items:
        if not isinstance(item, str):
            raise TypeError(f"{owner}({option}=...) must be a list of strings; "
                            f"{item!r} is a {type(item).__name__}")
    return items


def check_type(owner: str, option: str, value: Any, kind: type | tuple[type, ...]) -> None:
    if isinstance(value, bool) and kind is int:
        raise TypeError(f"{owner}({option}=...) must be an int, not bool {value!r}")
    if not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise TypeError(f"{owner}({option}=...) must be {names}, "
                        f"not {type(value).__name__} {value!r}")


BUILT_IN = ("fasterapi.middleware.cors.CORSMiddleware",
            "fasterapi.middleware.gzip.GZipMiddleware",
            "fasterapi.middleware.trustedhost.TrustedHostMiddleware",
            "fasterapi.middleware.httpsredirect.HTTPSRedirectMiddleware")


def instantiate(cls: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> GoMiddleware:
    """Check a middleware class and its options now, as `add_middleware` is called."""
    if isinstance(cls, type) and issubclass(cls, GoMiddleware) and cls.go_name:
        if "app" in kwargs:
            raise TypeError(f"{cls.__name__}: pass its options only; the app is given by "
                            "add_middleware")
        return cls(None, *args, **kwargs)
    name = getattr(cls, "__qualname__", None) or repr(cls)
    module = getattr(cls, "__module__", "") or ""
    hint = ""
    for built_in in BUILT_IN:
        if built_in.rpartition(".")[2] == name:
            hint = (f" Import it from fasterapi instead: "
                    f"`from {built_in.rpartition('.')[0]} import {name}`.")
    raise TypeError(
        f"{module + '.' if module else ''}{name} is not one of FasterAPI's built-in middleware "
        "(CORSMiddleware, GZipMiddleware, TrustedHostMiddleware, HTTPSRedirectMiddleware from "
        "fasterapi.middleware): FasterAPI does not run ASGI middleware, because requests are "
        "served by its Go server, not by an ASGI app. Write it as an "
        "`@app.middleware(\"http\")` function, `async def (request, call_next)`." + hint)
