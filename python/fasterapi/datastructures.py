"""URL, query, header and address types with Starlette's behaviour.

Handlers ported from FastAPI index these the Starlette way (the last value of
a repeated query key, the first of a repeated header), so the lookups below
mirror those rules rather than picking their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, NamedTuple


class Address(NamedTuple):
    host: str
    port: int


def parse_query(query_string: bytes | str) -> list[tuple[str, str]]:
    """Split a query string into (name, value) pairs, keeping blanks and order.

    Same result as Starlette's parse_qsl on the latin-1 decoded string:
    '+' is a space, %XX escapes are UTF-8, and `?flag` gives ("flag", "").
    """
    text = query_string.decode("latin-1") if isinstance(query_string, bytes) else query_string
    pairs: list[tuple[str, str]] = []
    if not text:
        return pairs
    for part in text.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        if "+" in name:
            name = name.replace("+", " ")
        if "+" in value:
            value = value.replace("+", " ")
        if "%" in name or "%" in value:
            from urllib.parse import unquote

            name = unquote(name)
            value = unquote(value)
        pairs.append((name, value))
    return pairs


class ImmutableMultiDict[V]:
    """Read-only multi-dict, Starlette's: `d[key]` and `get` give the last value of a repeated
    key, `getlist` all of them, `multi_items` every pair in order."""

    __slots__ = ("_dict", "_list")

    def __init__(self, items: Iterable[tuple[str, V]] = ()) -> None:
        self._list: list[tuple[str, V]] = list(items)
        self._dict: dict[str, V] = dict(self._list)

    def __getitem__(self, key: str) -> V:
        return self._dict[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self._dict.get(key, default)

    def getlist(self, key: str) -> list[V]:
        return [v for k, v in self._list if k == key]

    def keys(self) -> list[str]:
        return list(self._dict)

    def values(self) -> list[V]:
        return list(self._dict.values())

    def items(self) -> list[tuple[str, V]]:
        return list(self._dict.items())

    def multi_items(self) -> list[tuple[str, V]]:
        return list(self._list)

    def __contains__(self, key: object) -> bool:
        return key in self._dict

    def __iter__(self) -> Iterator[str]:
        return iter(self._dict)

    def __len__(self) -> int:
        return len(self._dict)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, type(self)):
            return NotImplemented
        return sorted(self._list, key=repr) == sorted(other._list, key=repr)



class QueryParams(ImmutableMultiDict[str]):
    """Immutable multi-dict of query parameters; `qp[key]` is the last value."""

    __slots__ = ()

    def __init__(self, source: bytes | str | Iterable[tuple[str, str]]
                 | Mapping[str, str] = b"") -> None:
        items: list[tuple[str, str]]
        if isinstance(source, (bytes, str)):
            items = parse_query(source)
        elif isinstance(source, Mapping):
            items = [(str(k), str(v)) for k, v in source.items()]
        else:
            items = [(str(k), str(v)) for k, v in source]
        super().__init__(items)

    def __str__(self) -> str:
        from urllib.parse import urlencode

        return urlencode(self._list)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


class Headers:
    """Case-insensitive, read-only view of raw (lower-case name, value) pairs.

    Lookups return the first value; `getlist` returns all of them. Values are
    latin-1, the only decoding HTTP guarantees to round-trip.
    """

    __slots__ = ("_list",)

    def __init__(self, headers: Mapping[str, str] | None = None, *,
                 raw: list[tuple[bytes, bytes]] | None = None) -> None:
        if raw is not None:
            self._list = raw
        elif headers is not None:
            self._list = [(k.lower().encode("latin-1"), v.encode("latin-1"))
                          for k, v in headers.items()]
        else:
            self._list = []

    @property
    def raw(self) -> list[tuple[bytes, bytes]]:
        return self._list

    def __getitem__(self, key: str) -> str:
        name = key.lower().encode("latin-1")
        for k, v in self._list:
            if k == name:
                return v.decode("latin-1")
        raise KeyError(key)

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def getlist(self, key: str) -> list[str]:
        name = key.lower().encode("latin-1")
        return [v.decode("latin-1") for k, v in self._list if k == name]

    def keys(self) -> list[str]:
        return [k.decode("latin-1") for k, _ in self._list]

    def values(self) -> list[str]:
        return [v.decode("latin-1") for _, v in self._list]

    def items(self) -> list[tuple[str, str]]:
        return [(k.decode("latin-1"), v.decode("latin-1")) for k, v in self._list]

    def mutablecopy(self) -> MutableHeaders:
        return MutableHeaders(raw=list(self._list))

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        name = key.lower().encode("latin-1")
        return any(k == name for k, _ in self._list)

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self._list)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Headers):
            return NotImplemented
        return sorted(self._list) == sorted(other._list)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.items()!r})"


class MutableHeaders(Headers):
    """Headers whose edits write through to the list they wrap (a response's)."""

    __slots__ = ()

    def __setitem__(self, key: str, value: str) -> None:
        name = key.lower().encode("latin-1")
        encoded = value.encode("latin-1")
        found = [i for i, (k, _) in enumerate(self._list) if k == name]
        if not found:
            self._list.append((name, encoded))
            return
        # Keep the header where it was; drop any later duplicates.
        self._list[found[0]] = (name, encoded)
        for index in reversed(found[1:]):
            del self._list[index]

    def __delitem__(self, key: str) -> None:
        name = key.lower().encode("latin-1")
        found = [i for i, (k, _) in enumerate(self._list) if k == name]
        if not found:
            raise KeyError(key)
        for index in reversed(found):
            del self._list[index]

    def append(self, key: str, value: str) -> None:
        self._list.append((key.lower().encode("latin-1"), value.encode("latin-1")))

    def setdefault(self, key: str, value: str) -> str:
        existing = self.get(key)
        if existing is not None:
            return str(existing)
        self.append(key, value)
        return value

    def update(self, other: Mapping[str, str] | Iterable[tuple[str, str]] = (),
               **kwargs: str) -> None:
        pairs = other.items() if isinstance(other, Mapping) else other
        for key, value in pairs:
            self[key] = value
        for key, value in kwargs.items():
            self[key] = value

    def add_vary_header(self, vary: str) -> None:
        existing = self.get("vary")
        self["vary"] = vary if existing is None else f"{existing}, {vary}"


class URL:
    """A parsed URL; components are split on first access only."""

    __slots__ = ("_parts", "_url")

    def __init__(self, url: str = "") -> None:
        self._url = url
        self._parts: Any = None

    @property
    def components(self) -> Any:
        if self._parts is None:
            from urllib.parse import urlsplit

            self._parts = urlsplit(self._url)
        return self._parts

    @property
    def scheme(self) -> str:
        return str(self.components.scheme)

    @property
    def netloc(self) -> str:
        return str(self.components.netloc)

    @property
    def path(self) -> str:
        return str(self.components.path)

    @property
    def query(self) -> str:
        return str(self.components.query)

    @property
    def fragment(self) -> str:
        return str(self.components.fragment)

    @property
    def username(self) -> str | None:
        value: str | None = self.components.username
        return value

    @property
    def password(self) -> str | None:
        value: str | None = self.components.password
        return value

    @property
    def hostname(self) -> str | None:
        value: str | None = self.components.hostname
        return value

    @property
    def port(self) -> int | None:
        value: int | None = self.components.port
        return value

    @property
    def is_secure(self) -> bool:
        return self.scheme in ("https", "wss")

    def replace(self, **kwargs: Any) -> URL:
        """Copy with components swapped; hostname/port rebuild the netloc."""
        if "hostname" in kwargs or "port" in kwargs:
            hostname = kwargs.pop("hostname", None) or self.hostname or ""
            port = kwargs.pop("port", self.port)
            if ":" in hostname and not hostname.startswith("["):
                hostname = f"[{hostname}]"
            kwargs["netloc"] = hostname if port is None else f"{hostname}:{port}"
        from urllib.parse import urlunsplit

        parts = self.components._replace(**kwargs)
        return URL(urlunsplit(parts))

    def include_query_params(self, **kwargs: Any) -> URL:
        params = dict(QueryParams(self.query).multi_items())
        params.update({str(k): str(v) for k, v in kwargs.items()})
        return self._with_query(list(params.items()))

    def replace_query_params(self, **kwargs: Any) -> URL:
        return self._with_query([(str(k), str(v)) for k, v in kwargs.items()])

    def remove_query_params(self, keys: str | Iterable[str]) -> URL:
        drop = {keys} if isinstance(keys, str) else set(keys)
        kept = [(k, v) for k, v in QueryParams(self.query).multi_items() if k not in drop]
        return self._with_query(kept)

    def _with_query(self, pairs: list[tuple[str, str]]) -> URL:
        from urllib.parse import urlencode

        return self.replace(query=urlencode(pairs))

    def __eq__(self, other: object) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(self._url)

    def __str__(self) -> str:
        return self._url

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._url!r})"


class State:
    """Attribute bag for `request.state` / `app.state`."""

    def __init__(self, state: dict[str, Any] | None = None) -> None:
        super().__setattr__("_state", {} if state is None else state)

    def __setattr__(self, key: str, value: Any) -> None:
        self._state[key] = value

    def __getattr__(self, key: str) -> Any:
        try:
            return self._state[key]
        except KeyError:
            message = f"'{type(self).__name__}' object has no attribute '{key}'"
            raise AttributeError(message) from None

    def __delattr__(self, key: str) -> None:
        try:
            del self._state[key]
        except KeyError:
            raise AttributeError(key) from None


def __getattr__(name: str) -> Any:
    # Starlette's names for the form types, defined in _forms (which imports this module).
    if name in ("UploadFile", "FormData"):
        from . import _forms

        return getattr(_forms, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
