"""Loading OpenSSL only once something uses it.

asyncio imports `ssl` as it is imported (base_events, selector_events and sslproto), and `ssl`
loads OpenSSL: about 3.4 MB of shared libraries per process and 0.6 MB of objects per
interpreter, spent by every app with an `async def` handler even when it never opens a TLS
connection itself (the server's own TLS is Go's). Under the host, `ssl` and `asyncio.sslproto`
(the one module that reads `ssl`'s attributes at import time) are deferred: importing them binds
a module whose body runs on the first access to an attribute it lacks, so `import ssl` followed
by `ssl.create_default_context()` behaves as always, with the loading moved to that first use.

`importlib.util.LazyLoader` is not enough: it loads on any attribute access, and the import
statement itself reads `__spec__` of a module imported before, so asyncio's second `import ssl`
would load it. Here the module's metadata (`__spec__`, `__name__`, `__file__`) is present from
the start and only a missing attribute loads it.
"""

from __future__ import annotations

import importlib.machinery
import sys
import threading
from collections.abc import Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol, cast

if TYPE_CHECKING:
    import importlib.abc

DEFERRED_MODULES = frozenset({"ssl", "asyncio.sslproto"})


class DeferredModule(ModuleType):
    """A module whose body has not run yet: the first attribute it lacks runs it (once, under
    a lock, so other threads wait for the whole body), then the module is a plain one."""

    def __getattr__(self, attr: str) -> Any:
        spec = self.__spec__
        assert spec is not None
        state = spec.loader_state
        with state["lock"]:
            if type(self) is DeferredModule and not state["loading"]:
                state["loading"] = True
                try:
                    spec.loader = state["loader"]
                    self.__loader__ = state["loader"]
                    state["loader"].exec_module(self)
                    self.__class__ = ModuleType  # type: ignore[assignment]  # back to plain
                finally:
                    state["loading"] = False
            elif type(self) is DeferredModule:
                # the body itself, or what it imports, asked for a name it has not defined yet
                raise AttributeError(f"partially initialized module {self.__name__!r} has no "
                                     f"attribute {attr!r}")
        return getattr(self, attr)


class Loader(Protocol):
    """The loader protocol (importlib.abc.Loader, whose import pulls in importlib.resources
    and pathlib, about 1 MB per interpreter)."""

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None: ...

    def exec_module(self, module: ModuleType) -> None: ...


class DeferredLoader:
    """Wraps a module's loader so that its body runs at first use (see DeferredModule)."""

    def __init__(self, loader: Loader) -> None:
        self.loader = loader

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        assert module.__spec__ is not None
        module.__spec__.loader_state = {"loader": self.loader, "lock": threading.RLock(),
                                        "loading": False}
        module.__class__ = DeferredModule


class DeferredTLSFinder:
    """A meta path finder that gives the modules of DEFERRED_MODULES a DeferredLoader."""

    @staticmethod
    def find_spec(name: str, path: Sequence[str] | None = None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if name not in DEFERRED_MODULES:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return None
        spec.loader = cast("importlib.abc.Loader", DeferredLoader(spec.loader))
        return spec


def defer_tls_modules() -> bool:
    """Defer the bodies of `ssl` and `asyncio.sslproto` to their first use; False where that
    is not done: one of them is imported already, or Python has no `_ssl`, where `import ssl`
    must keep raising ImportError at the import (asyncio catches it there)."""
    if DeferredTLSFinder in sys.meta_path:
        return True
    if any(name in sys.modules for name in DEFERRED_MODULES):
        return False
    if importlib.machinery.PathFinder.find_spec("_ssl") is None:
        return False
    sys.meta_path.insert(0, DeferredTLSFinder)
    return True
