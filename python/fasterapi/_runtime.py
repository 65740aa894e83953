"""Entry points the Go host calls inside each sub-interpreter.

`boot` runs once per interpreter: it imports the user's app, registers the
dispatch function with the `_fasterapi` C module and returns the route table
the host routes with. Every failure is an AppLoadError whose message says
what to fix, because the host shows it to the user as is.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

from ._appspec import parse_app_spec
from ._concurrency import HOSTED

if TYPE_CHECKING:
    from .applications import FasterAPI

# (path, methods, status, name), plus an options dict for a mount.
RouteEntry = tuple[Any, ...]
# {"routes": [RouteEntry, ...], "app": {settings}}: see FasterAPI.host_table.
HostTable = dict[str, Any]


class AppLoadError(Exception):
    """The app named by the spec could not be imported or is not an app."""


def _import_module(module_name: str) -> Any:
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        # Only a missing app module points at --app-dir; a missing
        # dependency inside the app is a different problem.
        missing = exc.name or ""
        if module_name == missing or module_name.startswith(missing + "."):
            raise AppLoadError(
                f"Could not import module {module_name!r}: {exc} (is --app-dir right?)"
            ) from exc
        raise AppLoadError(f"Error importing module {module_name!r}: {exc}") from exc
    except Exception as exc:
        import traceback

        detail = "".join(traceback.format_exception(exc)).rstrip()
        raise AppLoadError(f"Error importing module {module_name!r}:\n{detail}") from exc


def load_app(spec: str, app_dir: str) -> Any:
    """Import "module:attr" from `app_dir` and check that it is a FasterAPI app."""
    from .applications import FasterAPI

    try:
        module_name, attr_path = parse_app_spec(spec)
    except ValueError as exc:
        raise AppLoadError(str(exc)) from None
    if app_dir not in sys.path:
        sys.path.insert(0, app_dir)
    app: Any = _import_module(module_name)
    walked = []
    for part in attr_path.split("."):
        walked.append(part)
        try:
            app = getattr(app, part)
        except AttributeError:
            raise AppLoadError(
                f"Attribute {'.'.join(walked)!r} not found in module {module_name!r}"
            ) from None
    if not isinstance(app, FasterAPI):
        hint = ""
        if type(app).__module__.split(".")[0] == "fastapi":
            hint = " It is a FastAPI app: import FastAPI from fasterapi instead of fastapi."
        raise AppLoadError(
            f"Attribute {attr_path!r} in module {module_name!r} is a "
            f"{type(app).__module__}.{type(app).__qualname__}, not a FasterAPI application; "
            f"create it with `app = FastAPI()` after `from fasterapi import FastAPI`.{hint}"
        )
    return app


def boot(spec: str, app_dir: str) -> HostTable:
    """Load the app in this interpreter; return its route table, (path, methods, status,
    name) per route, and its settings (built-in middleware), as FasterAPI.host_table.

    A route's index in the list is the `route_index` later passed to dispatch.
    """
    if HOSTED:
        from ._lazyssl import defer_tls_modules

        defer_tls_modules()
    app: FasterAPI = load_app(spec, app_dir)
    import os

    if os.environ.get("FASTERAPI_DEPENDENCY_OVERRIDES"):
        # Set by fasterapi.testclient.TestClient for the app it serves.
        from .testclient import apply_overrides_from_env

        try:
            apply_overrides_from_env(app)
        except Exception as exc:
            raise AppLoadError(f"Could not install the TestClient's dependency overrides: "
                               f"{exc!r}") from exc
    table = app.host_table()  # before install: it adds the docs routes host_kinds covers
    try:
        import _fasterapi
    except ImportError:
        pass  # outside the host (tests, tools): nothing to register with
    else:
        from .encoders import jsonable_encoder

        _fasterapi.install(app._dispatch, jsonable_encoder, app.host_kinds())
    global _app
    _app = app
    return table


_app: Any = None


def startup() -> None:
    """Run the loaded app's start-up in this interpreter; the host calls it in each
    sub-interpreter that serves; `fa_main_startup` runs it in the main one, which serves the
    first event loop in pinned mode and every loop in shared mode."""
    from ._lifespan import startup as run_startup

    if _app is None:
        raise AppLoadError("startup() before boot()")
    try:
        run_startup(_app)
    except Exception as exc:
        import traceback

        detail = "".join(traceback.format_exception(exc)).rstrip()
        raise AppLoadError(f"Application startup failed:\n{detail}") from exc


def shutdown() -> None:
    """Run the app's shutdown in this interpreter if its start-up ran."""
    from ._lifespan import shutdown as run_shutdown

    run_shutdown()
