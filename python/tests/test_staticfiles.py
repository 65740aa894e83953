"""FileResponse and StaticFiles as Python objects: what they hand to the host."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fasterapi import FastAPI
from fasterapi.responses import FileResponse, Response
from fasterapi.staticfiles import StaticFiles


def test_file_response_headers() -> None:
    r = FileResponse("/srv/report.txt", filename="report.txt")
    assert isinstance(r, Response)
    assert (r.path, r.status_code, r.body) == ("/srv/report.txt", 200, b"")
    assert r.raw_headers == [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"accept-ranges", b"bytes"),
        (b"content-disposition", b'attachment; filename="report.txt"'),
    ]


def test_file_response_media_type_and_non_ascii_name() -> None:
    r = FileResponse(Path("/srv/data"), filename="résumé.pdf", content_disposition_type="inline")
    assert r.path == "/srv/data"
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"] == "inline; filename*=utf-8''r%C3%A9sum%C3%A9.pdf"
    assert FileResponse("/srv/blob").headers["content-type"] == "application/octet-stream"
    r = FileResponse("/srv/x", media_type="image/png", headers={"accept-ranges": "none"})
    assert r.headers.getlist("accept-ranges") == ["none"]
    assert r.headers["content-type"] == "image/png"


def test_static_files_checks_its_directory(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="does not exist"):
        StaticFiles(directory=tmp_path / "nope")
    StaticFiles(directory=tmp_path / "nope", check_dir=False)
    with pytest.raises(TypeError, match="packages"):
        StaticFiles(packages=["pkg"])


def test_mount_is_a_route_table_row(tmp_path: Path) -> None:
    app = FastAPI()

    @app.get("/ping")
    def ping() -> dict[str, str]:
        return {"ok": "yes"}

    app.mount("/static/", StaticFiles(directory=tmp_path, html=True), name="static")
    table = app.route_table()
    assert ("/ping", ("GET", "HEAD"), 200, "ping") in table
    path, methods, status, name, options = table[-1]  # mounts come after every route
    assert (path, methods, status, name) == ("/static", ("STATIC",), 200, "static")
    assert options["directory"] == os.path.abspath(tmp_path)
    assert (options["html"], options["follow_symlink"]) == (True, False)
    assert options["types_map"][".css"] == "text/css"
    with pytest.raises(TypeError, match="only StaticFiles"):
        app.mount("/sub", FastAPI())  # type: ignore[arg-type]
