"""StaticFiles: a directory mounted with `app.mount(path, StaticFiles(directory=...))`.

Requests under the mount never enter Python: the Go host resolves the path
(normalised, symlinks that leave the directory refused, `..` above the mount
refused), serves index.html for directories with `html=True` and 404.html for
misses, answers GET and HEAD only, and handles conditional and Range requests
as for FileResponse. This object only carries the configuration to the host,
through the app's route table.
"""

from __future__ import annotations

import mimetypes
import os
from typing import Any

PathLike = str | os.PathLike[str]


class StaticFiles:
    """Starlette's `StaticFiles(directory=..., html=False, check_dir=True, follow_symlink=False)`.

    `packages=` (files inside installed packages) is not supported.
    """

    def __init__(self, *, directory: PathLike | None = None, packages: Any = None,
                 html: bool = False, check_dir: bool = True, follow_symlink: bool = False) -> None:
        if packages:
            raise TypeError("StaticFiles(packages=...) is not supported yet: pass directory=")
        if directory is None:
            raise TypeError("StaticFiles needs directory=")
        self.directory = directory
        self.html = html
        self.follow_symlink = follow_symlink
        if check_dir and not os.path.isdir(directory):
            raise RuntimeError(f"Directory '{directory}' does not exist")

    def host_options(self) -> dict[str, Any]:
        """What the host needs to serve the mount; the mimetypes tables make its
        content-type guesses those of Starlette's FileResponse."""
        if not mimetypes.inited:
            mimetypes.init()
        return {
            "directory": os.path.abspath(os.fspath(self.directory)),
            "html": self.html,
            "follow_symlink": self.follow_symlink,
            "types_map": dict(mimetypes.types_map),
            "suffix_map": dict(mimetypes.suffix_map),
            "encodings_map": dict(mimetypes.encodings_map),
        }

    def __call__(self, *args: Any) -> Any:
        raise RuntimeError("StaticFiles is served by the FasterAPI host (`fasterapi serve`); "
                           "it cannot be called from Python")


class Mount:
    """A mounted StaticFiles app: one row of the route table, answered in Go."""

    def __init__(self, path: str, app: StaticFiles, name: str | None = None) -> None:
        if not isinstance(app, StaticFiles):
            raise TypeError("app.mount() accepts only StaticFiles for now, not "
                            f"{type(app).__name__}")
        if path and not path.startswith("/"):
            raise ValueError("A mount path must start with '/'")
        self.path = path.rstrip("/")
        self.app = app
        self.name = name or ""

    def table_entry(self) -> tuple[str, tuple[str, ...], int, str, dict[str, Any]]:
        return (self.path, ("STATIC",), 200, self.name, self.app.host_options())

    def __repr__(self) -> str:
        return f"<Mount {self.path or '/'} {self.app.directory!r}>"
