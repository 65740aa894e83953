"""Unit tests of the build backend's pure parts (no Go build: that is what `pip install .`
exercises), plus the console script's path logic, which decides what the server sees."""

from __future__ import annotations

import base64
import csv
import hashlib
import importlib.util
import io
import json
import os
import stat
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

import fasterapi_build as fb

ROOT = Path(__file__).resolve().parent.parent


def make_interp(**overrides: object) -> fb.Interpreter:
    values: dict[str, object] = {
        "implementation": "cpython",
        "version": (3, 13, 0),
        "executable": "/venv/bin/python",
        "enable_shared": True,
        "include_dir": "/py/include/python3.13",
        "libdir": "/py/lib",
        "ldversion": "3.13",
        "ldlibrary": "libpython3.13.so",
        "soabi": "cpython-313-x86_64-linux-gnu",
        "platform": "linux-x86_64",
    }
    values.update(overrides)
    return fb.Interpreter(**values)  # type: ignore[arg-type]


def make_tree(root: Path, version: str = "0.1.0", module_version: str = "0.1.0") -> Path:
    """A minimal source tree: enough for the metadata and sdist hooks."""
    (root / "python" / "fasterapi").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        "[project]\n"
        'name = "fasterapi"\n'
        f'version = "{version}"\n'
        'description = "d"\n'
        'readme = "README.md"\n'
        'requires-python = ">=3.12"\n'
        'license = "MIT"\n'
        "[project.scripts]\n"
        'fasterapi = "fasterapi.cli:main"\n'
        "[project.entry-points.pytest11]\n"
        'fasterapi = "fasterapi.testing"\n'
    )
    (root / "python" / "fasterapi" / "_version.py").write_text(
        f'__version__ = "{module_version}"\n'
    )
    (root / "go.mod").write_text("module example.com/x\n\ngo 1.26\n")
    return root


# ---- the repository's own files --------------------------------------------------------------


def test_repository_versions_agree() -> None:
    project = fb.load_project(str(ROOT))
    fb.check_version_sync(str(ROOT), project)
    assert project.version == "0.1.0"


def test_requires_python_matches_backend_minimum() -> None:
    with open(ROOT / "pyproject.toml", "rb") as f:
        table = tomllib.load(f)["project"]
    assert table["requires-python"] == ">=" + ".".join(map(str, fb.MIN_PYTHON))


def test_repository_entry_points() -> None:
    project = fb.load_project(str(ROOT))
    assert project.entry_points == {
        "console_scripts": {"fasterapi": "fasterapi.cli:main"},
        "pytest11": {"fasterapi": "fasterapi.testing"},
    }


# ---- tags and names -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("soabi", "version", "expected"),
    [
        ("cpython-313-x86_64-linux-gnu", (3, 13), "cp313"),
        ("cpython-312-x86_64-linux-gnu", (3, 12), "cp312"),
        ("cpython-313t-x86_64-linux-gnu", (3, 13), "cp313t"),
        ("cpython-313d-darwin", (3, 13), "cp313d"),
        ("", (3, 12), "cp312"),
    ],
)
def test_abi_tag(soabi: str, version: tuple[int, int], expected: str) -> None:
    assert fb.abi_tag(soabi, version) == expected


@pytest.mark.parametrize(
    ("platform", "expected"),
    [
        ("linux-x86_64", "linux_x86_64"),
        ("linux-aarch64", "linux_aarch64"),
        ("macosx-11.0-arm64", "macosx_11_0_arm64"),
    ],
)
def test_platform_tag(platform: str, expected: str) -> None:
    assert fb.platform_tag(platform) == expected


def test_wheel_tag_and_filename() -> None:
    tag = fb.wheel_tag(make_interp(version=(3, 12, 1), soabi="cpython-312-x86_64-linux-gnu"))
    assert tag == "cp312-cp312-linux_x86_64"
    project = fb.Project(name="FasterAPI", version="0.1.0")
    assert fb.wheel_filename(project, tag) == "fasterapi-0.1.0-cp312-cp312-linux_x86_64.whl"
    assert fb.dist_info_dirname(project) == "fasterapi-0.1.0.dist-info"


def test_normalize_dist_name() -> None:
    assert fb.normalize_dist_name("Faster-API.x__y") == "faster_api_x_y"


# ---- RECORD and metadata files ------------------------------------------------------------


def test_record_hash_is_urlsafe_unpadded_sha256() -> None:
    # sha256 of the empty string, as pip writes it.
    assert fb.record_hash(b"") == "sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"
    digest = hashlib.sha256(b"x" * 1000).digest()
    expected = base64.urlsafe_b64encode(digest).decode().rstrip("=")
    assert fb.record_hash(b"x" * 1000) == "sha256=" + expected


def test_record_text_rows() -> None:
    text = fb.record_text([("a.py", b"abc"), ("dir/with,comma.txt", b"")], "x.dist-info/RECORD")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [
        ["a.py", fb.record_hash(b"abc"), "3"],
        ["dir/with,comma.txt", fb.record_hash(b""), "0"],
        ["x.dist-info/RECORD", "", ""],
    ]
    assert text.endswith("x.dist-info/RECORD,,\n")


def test_metadata_text_with_readme() -> None:
    project = fb.Project(
        name="fasterapi",
        version="0.1.0",
        requires_python=">=3.12",
        summary="one\n  line",
        license="MIT",
        readme=fb.Readme("# Title\n\nbody\n", "text/markdown"),
    )
    text = fb.metadata_text(project)
    head, body = text.split("\n\n", 1)
    assert head.splitlines() == [
        "Metadata-Version: 2.1",
        "Name: fasterapi",
        "Version: 0.1.0",
        "Summary: one line",
        "License: MIT",
        "Requires-Python: >=3.12",
        "Description-Content-Type: text/markdown",
    ]
    assert body == "# Title\n\nbody\n"


def test_metadata_text_without_readme() -> None:
    text = fb.metadata_text(fb.Project(name="fasterapi", version="0.1.0"))
    assert text == "Metadata-Version: 2.1\nName: fasterapi\nVersion: 0.1.0\n"


def test_wheel_text_is_platlib() -> None:
    text = fb.wheel_text("cp313-cp313-linux_x86_64")
    assert "Root-Is-Purelib: false\n" in text
    assert "Tag: cp313-cp313-linux_x86_64\n" in text
    assert text.startswith("Wheel-Version: 1.0\n")


def test_entry_points_text() -> None:
    text = fb.entry_points_text(
        {"console_scripts": {"fasterapi": "fasterapi.cli:main"}, "pytest11": {"fasterapi": "m"}}
    )
    assert text == (
        "[console_scripts]\nfasterapi = fasterapi.cli:main\n\n[pytest11]\nfasterapi = m\n"
    )


def test_wheel_writer_records_modes_and_hashes(tmp_path: Path) -> None:
    exe = tmp_path / "exe"
    exe.write_bytes(b"\x7fELF...")
    path = tmp_path / "t.whl"
    writer = fb.WheelWriter(str(path))
    writer.add("pkg/__init__.py", b"")
    writer.add_file("pkg/_bin/exe", str(exe), mode=0o755)
    writer.close("pkg-1.dist-info/RECORD")
    with zipfile.ZipFile(path) as zf:
        infos = {i.filename: i for i in zf.infolist()}
        assert list(infos) == ["pkg/__init__.py", "pkg/_bin/exe", "pkg-1.dist-info/RECORD"]
        assert stat.S_IMODE(infos["pkg/_bin/exe"].external_attr >> 16) == 0o755
        assert stat.S_IMODE(infos["pkg/__init__.py"].external_attr >> 16) == 0o644
        assert stat.S_ISREG(infos["pkg/_bin/exe"].external_attr >> 16)
        rows = list(csv.reader(io.StringIO(zf.read("pkg-1.dist-info/RECORD").decode())))
        for name, digest, size in rows[:-1]:
            data = zf.read(name)
            assert digest == fb.record_hash(data) and int(size) == len(data)


def test_wheel_writer_abort_removes_file(tmp_path: Path) -> None:
    path = tmp_path / "t.whl"
    writer = fb.WheelWriter(str(path))
    writer.add("a", b"1")
    writer.abort()
    assert not path.exists()


def test_source_date_epoch_sets_zip_dates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    path = tmp_path / "t.whl"
    writer = fb.WheelWriter(str(path))
    writer.add("a", b"1", mtime=1.0)
    writer.close("x.dist-info/RECORD")
    with zipfile.ZipFile(path) as zf:
        assert zf.getinfo("a").date_time == (2023, 11, 14, 22, 13, 20)


def test_zip_date_time_clamps_to_1980() -> None:
    assert fb.zip_date_time(0) == (1980, 1, 1, 0, 0, 0)


# ---- version check ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('__version__ = "1.2.3"\n', "1.2.3"),
        ('"""doc"""\n__version__: str = "1.2.3"\n', "1.2.3"),
        ("__version__ = get()\n", None),
        ('version = "1"\n', None),
        ("", None),
    ],
)
def test_read_version_py(source: str, expected: str | None) -> None:
    assert fb.read_version_py(source) == expected


def test_version_mismatch_error() -> None:
    assert fb.version_mismatch_error("0.1.0", "0.1.0") is None
    error = fb.version_mismatch_error("0.2.0", "0.1.0")
    assert error is not None
    assert "'0.2.0'" in error and "'0.1.0'" in error and fb.VERSION_FILE in error
    missing = fb.version_mismatch_error("0.2.0", None)
    assert missing is not None and "__version__ = '0.2.0'" in missing


def test_check_version_sync_fails_loudly(tmp_path: Path) -> None:
    make_tree(tmp_path, version="0.2.0", module_version="0.1.0")
    project = fb.load_project(str(tmp_path))
    with pytest.raises(fb.BuildError, match="version mismatch"):
        fb.check_version_sync(str(tmp_path), project)


def test_check_version_sync_missing_file(tmp_path: Path) -> None:
    make_tree(tmp_path)
    (tmp_path / "python" / "fasterapi" / "_version.py").unlink()
    with pytest.raises(fb.BuildError, match="must assign __version__"):
        fb.check_version_sync(str(tmp_path), fb.load_project(str(tmp_path)))


# ---- pyproject reading --------------------------------------------------------------------


def test_load_project_without_readme_warns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = fb.load_project(str(make_tree(tmp_path)))
    assert project.readme is None
    assert "README.md not found" in capsys.readouterr().err
    assert project.license == "MIT"
    assert project.requires_python == ">=3.12"


def test_load_project_reads_readme(tmp_path: Path) -> None:
    make_tree(tmp_path)
    (tmp_path / "README.md").write_text("# FasterAPI\n")
    project = fb.load_project(str(tmp_path))
    assert project.readme == fb.Readme("# FasterAPI\n", "text/markdown")


def test_project_from_table_license_table(tmp_path: Path) -> None:
    project = fb.project_from_table(
        str(tmp_path), {"name": "x", "version": "1", "license": {"text": "MIT"}}
    )
    assert project.license == "MIT"


def test_project_from_table_requires_name_and_version(tmp_path: Path) -> None:
    with pytest.raises(fb.BuildError, match="name"):
        fb.project_from_table(str(tmp_path), {"version": "1"})


# ---- interpreter checks and their messages --------------------------------------------------


def test_python_version_error_refuses_311() -> None:
    error = fb.python_version_error("cpython", (3, 11, 7), "/usr/bin/python3.11")
    assert error is not None
    assert "Python >= 3.12" in error and "3.11.7" in error and "/usr/bin/python3.11" in error


@pytest.mark.parametrize("version", [(3, 12, 0), (3, 12, 1), (3, 13, 0), (3, 14, 0)])
def test_python_version_error_accepts(version: tuple[int, int, int]) -> None:
    assert fb.python_version_error("cpython", version, "python") is None


def test_python_version_error_refuses_other_implementations() -> None:
    error = fb.python_version_error("pypy", (3, 12, 0), "pypy3")
    assert error is not None and "CPython" in error and "pypy" in error


def test_interpreter_problems_none_when_all_present() -> None:
    assert fb.interpreter_problems(make_interp(), isfile=lambda _: True) == []


def test_interpreter_problems_static_libpython() -> None:
    problems = fb.interpreter_problems(make_interp(enable_shared=False), isfile=lambda _: True)
    assert len(problems) == 1
    assert problems[0].startswith(
        "FasterAPI embeds CPython and needs a shared libpython (build Python with "
        "--enable-shared; pyenv: PYTHON_CONFIGURE_OPTS=--enable-shared)"
    )


def test_interpreter_problems_missing_headers() -> None:
    interp = make_interp(version=(3, 12, 1), include_dir="/usr/include/python3.12")
    problems = fb.interpreter_problems(interp, isfile=lambda p: not p.endswith("Python.h"))
    assert len(problems) == 1
    assert "/usr/include/python3.12" in problems[0]
    assert "python3.12-dev" in problems[0]


def test_interpreter_problems_missing_libpython() -> None:
    problems = fb.interpreter_problems(make_interp(), isfile=lambda p: not p.endswith(".so"))
    assert len(problems) == 1
    assert "/py/lib/libpython3.13.so" in problems[0] and "python3.13-dev" in problems[0]


def test_interpreter_current_in_this_python() -> None:
    interp = fb.Interpreter.current()
    assert interp.version[:2] == sys.version_info[:2]
    assert interp.ldversion.startswith(f"{sys.version_info[0]}.{sys.version_info[1]}")


# ---- Go and the C compiler ----------------------------------------------------------------


def test_go_missing_error_text() -> None:
    assert fb.go_missing_error("1.26") == (
        "Go >= 1.26 is required to build FasterAPI: https://go.dev/dl"
    )


def test_go_mod_minimum() -> None:
    assert fb.go_mod_minimum("module x\n\ngo 1.26\n\nrequire y v1\n") == "1.26"
    assert fb.go_mod_minimum("module x\ngo 1.26.1\ntoolchain go1.26.8\n") == "1.26.1"
    assert fb.go_mod_minimum("module x\n") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("go1.26.8", (1, 26, 8)),
        ("go1.26", (1, 26)),
        ("go1.27rc1", (1, 27)),
        ("devel go1.27-abcdef", None),
    ],
)
def test_parse_go_version(text: str, expected: tuple[int, ...] | None) -> None:
    assert fb.parse_go_version(text) == expected


def test_go_version_problem() -> None:
    assert fb.go_version_problem("go1.26.8", "auto", "1.26", "/go") is None
    assert fb.go_version_problem("devel go1.27-x", "local", "1.26", "/go") is None
    # 1.21+ can fetch the toolchain go.mod asks for unless told not to.
    assert fb.go_version_problem("go1.22.0", "auto", "1.26", "/go") is None
    assert fb.go_version_problem("go1.22.0", "go1.22.0+auto", "1.26", "/go") is None
    local = fb.go_version_problem("go1.22.0", "local", "1.26", "/usr/bin/go")
    assert local == (
        "Go >= 1.26 is required to build FasterAPI: https://go.dev/dl "
        "(found go1.22.0 at /usr/bin/go)"
    )
    assert fb.go_version_problem("go1.20.1", "", "1.26", "/go") is not None


def _fake_go(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    go = directory / "go"
    go.write_text("#!/bin/sh\n")
    go.chmod(0o755)
    return go


def test_find_go_on_path_then_fallback(tmp_path: Path) -> None:
    on_path = _fake_go(tmp_path / "bin")
    fallback = _fake_go(tmp_path / "usr-local-go" / "bin")
    assert fb.find_go(str(tmp_path / "bin"), fallback=str(fallback)) == str(on_path)
    assert fb.find_go(str(tmp_path / "empty"), fallback=str(fallback)) == str(fallback)
    assert fb.find_go(str(tmp_path / "empty"), fallback=str(tmp_path / "none")) is None


def test_choose_c_compiler() -> None:
    def which_of(*present: str) -> object:
        return lambda name: f"/usr/bin/{name}" if name in present else None

    assert fb.choose_c_compiler("gcc", False, which_of("gcc")) == (None, None)  # type: ignore[arg-type]
    assert fb.choose_c_compiler("gcc", False, which_of("cc")) == ("cc", None)  # type: ignore[arg-type]
    assert fb.choose_c_compiler("ccache gcc -m64", True, which_of("ccache")) == (None, None)  # type: ignore[arg-type]
    cc, problem = fb.choose_c_compiler("gcc", False, which_of())  # type: ignore[arg-type]
    assert cc is None and problem is not None and "C compiler" in problem and "gcc" in problem
    # An explicit CC is the user's choice: report it rather than silently replace it.
    cc, problem = fb.choose_c_compiler("my-cc", True, which_of("gcc"))  # type: ignore[arg-type]
    assert cc is None and problem is not None and "'my-cc'" in problem


def test_cgo_env_flags_and_passthrough() -> None:
    base = {"GOFLAGS": "-mod=mod", "GOCACHE": "/c", "GOPATH": "/g", "CGO_ENABLED": "0"}
    env = fb.cgo_env(base, make_interp())
    assert env["CGO_ENABLED"] == "1"
    assert env["CGO_CFLAGS"] == "-I/py/include/python3.13 -O2"
    assert env["CGO_LDFLAGS"] == "-L/py/lib -lpython3.13 -Wl,-rpath,/py/lib"
    assert (env["GOFLAGS"], env["GOCACHE"], env["GOPATH"]) == ("-mod=mod", "/c", "/g")
    assert "CC" not in env
    assert base["CGO_ENABLED"] == "0"  # the caller's mapping is not modified


def test_cgo_env_keeps_user_flags_after_ours_and_quotes_spaces() -> None:
    interp = make_interp(include_dir="/my py/include", libdir="/my py/lib", ldversion="3.13t")
    env = fb.cgo_env({"CGO_CFLAGS": "-g", "CGO_LDFLAGS": "-L/x"}, interp, cc="clang")
    assert env["CGO_CFLAGS"] == "-I'/my py/include' -O2 -g"
    assert env["CGO_LDFLAGS"] == "-L'/my py/lib' -lpython3.13t -Wl,-rpath,'/my py/lib' -L/x"
    assert env["CC"] == "clang"


def test_go_build_command() -> None:
    cmd = fb.go_build_command("/go", "/out/fasterapi", "0.1.0", "")
    assert cmd == [
        "/go",
        "build",
        "-trimpath",
        "-buildvcs=false",
        "-ldflags",
        "-s -w -X main.version=0.1.0",
        "-o",
        "/out/fasterapi",
        "./cmd/fasterapi",
    ]
    assert "-buildvcs=false" not in fb.go_build_command("/go", "/o", "1", "-buildvcs=true")


# ---- file selection -----------------------------------------------------------------------


def test_package_files_skips_caches_and_stray_bin(tmp_path: Path) -> None:
    pkg = tmp_path / "python" / "fasterapi"
    for rel in [
        "__init__.py",
        "py.typed",
        "sub/mod.py",
        "__pycache__/x.cpython-313.pyc",
        "sub/__pycache__/y.pyc",
        "_bin/fasterapi",
        "stale.pyc",
        ".DS_Store",
    ]:
        (pkg / rel).parent.mkdir(parents=True, exist_ok=True)
        (pkg / rel).write_text("")
    names = [arc for arc, _ in fb.package_files(str(tmp_path))]
    assert names == ["fasterapi/__init__.py", "fasterapi/py.typed", "fasterapi/sub/mod.py"]


@pytest.mark.parametrize(
    ("path", "excluded"),
    [
        ("go.mod", False),
        ("pybridge/fa.h", False),
        ("build_backend/fasterapi_build.py", False),
        (".git/config", True),
        (".venv/bin/python", True),
        ("python/fasterapi/__pycache__/x.pyc", True),
        ("bench/results/run1.json", True),
        ("bench/run.sh", False),
        ("dist/fasterapi-0.1.0.tar.gz", True),
        ("python/fasterapi/_bin/fasterapi", True),
        ("examples/hello/app.py", False),
    ],
)
def test_sdist_excluded(path: str, excluded: bool) -> None:
    assert fb.sdist_excluded(path) is excluded


# ---- hooks on a small tree ----------------------------------------------------------------


def test_build_sdist_hook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree = make_tree(tmp_path / "src")
    (tree / "main.go").write_text("package main\n")
    (tree / "python" / "fasterapi" / "__pycache__").mkdir()
    (tree / "python" / "fasterapi" / "__pycache__" / "x.pyc").write_text("")
    (tree / ".venv").mkdir()
    (tree / ".venv" / "pyvenv.cfg").write_text("")
    monkeypatch.chdir(tree)
    name = fb.build_sdist(str(tmp_path / "out"))
    assert name == "fasterapi-0.1.0.tar.gz"
    with tarfile.open(tmp_path / "out" / name) as tar:
        names = sorted(tar.getnames())
        pkg_info = tar.extractfile("fasterapi-0.1.0/PKG-INFO")
        assert pkg_info is not None and b"Version: 0.1.0" in pkg_info.read()
    assert names == [
        "fasterapi-0.1.0/PKG-INFO",
        "fasterapi-0.1.0/go.mod",
        "fasterapi-0.1.0/main.go",
        "fasterapi-0.1.0/pyproject.toml",
        "fasterapi-0.1.0/python/fasterapi/_version.py",
    ]


def test_prepare_metadata_hook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree = make_tree(tmp_path / "src")
    monkeypatch.chdir(tree)
    name = fb.prepare_metadata_for_build_wheel(str(tmp_path / "md"))
    assert name == "fasterapi-0.1.0.dist-info"
    files = sorted(p.name for p in (tmp_path / "md" / name).iterdir())
    assert files == ["METADATA", "WHEEL", "entry_points.txt"]
    wheel = (tmp_path / "md" / name / "WHEEL").read_text()
    assert f"Tag: {fb.wheel_tag(fb.Interpreter.current())}\n" in wheel


def test_hook_failure_is_a_plain_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(make_tree(tmp_path, version="9.9.9"))
    with pytest.raises(SystemExit) as info:
        fb.prepare_metadata_for_build_wheel(str(tmp_path / "md"))
    assert str(info.value.code).startswith("error: version mismatch")


def test_requires_hooks_return_nothing() -> None:
    assert fb.get_requires_for_build_sdist() == []


# ---- the console script -------------------------------------------------------------------


@pytest.fixture(scope="module")
def cli() -> ModuleType:
    # Loaded from its file so the test does not import the fasterapi package itself.
    spec = importlib.util.spec_from_file_location(
        "fasterapi_cli_under_test", ROOT / "python" / "fasterapi" / "cli.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


STDLIB = ["/py/lib/python313.zip", "/py/lib/python3.13", "/py/lib/python3.13/lib-dynload"]


def test_embedded_sys_path_console_script(cli: ModuleType) -> None:
    path = ["/venv/bin", *STDLIB, "/venv/lib/python3.13/site-packages"]
    result = cli.embedded_sys_path(path, "/venv/bin/fasterapi", "/app", False)
    assert result == [*STDLIB, "/venv/lib/python3.13/site-packages"]


def test_embedded_sys_path_dash_m_and_empty(cli: ModuleType) -> None:
    path = ["/app", *STDLIB, "", "/site"]
    assert cli.embedded_sys_path(path, "/site/fasterapi/__main__.py", "/app", False) == [
        *STDLIB,
        "/site",
    ]
    assert cli.embedded_sys_path(["", *STDLIB], "-c", "/app", False) == STDLIB


def test_embedded_sys_path_safe_path_keeps_first_entry(cli: ModuleType) -> None:
    # With -P nothing was prepended, so the first entry is a real one.
    assert cli.embedded_sys_path([*STDLIB], "/venv/bin/fasterapi", "/app", True) == STDLIB
    # Without -P, a first entry that is not the script's dir or cwd is kept too.
    assert cli.embedded_sys_path([*STDLIB], "/venv/bin/fasterapi", "/app", False) == STDLIB


def test_find_binary(cli: ModuleType, tmp_path: Path) -> None:
    pkg = tmp_path / "src" / "fasterapi"
    pkg.mkdir(parents=True)
    assert cli.find_binary(str(pkg), []) is None
    site_bin = tmp_path / "site" / "fasterapi" / "_bin" / "fasterapi"
    site_bin.parent.mkdir(parents=True)
    site_bin.write_text("")
    # The editable layout: the package is in the source tree, the binary in site-packages.
    assert cli.find_binary(str(pkg), [str(tmp_path / "site")]) == str(site_bin)
    assert cli.find_binary(str(pkg), ["site"]) is None  # never relative to the cwd
    own = pkg / "_bin" / "fasterapi"
    own.parent.mkdir()
    own.write_text("")
    assert cli.find_binary(str(pkg), [str(tmp_path / "site")]) == str(own)


def test_server_environment(cli: ModuleType) -> None:
    env = cli.server_environment({"KEEP": "1"}, ["/a", "/b"])
    assert env["KEEP"] == "1"
    assert env["FASTERAPI_PYTHON_HOME"] == sys.base_prefix
    assert env["FASTERAPI_PYTHON_EXECUTABLE"] == sys.executable
    assert json.loads(env["FASTERAPI_SYS_PATH"]) == ["/a", "/b"]


def test_main_reports_missing_binary(
    cli: ModuleType, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "find_binary", lambda *_: None)
    assert cli.main([]) == 1
    err = capsys.readouterr().err
    assert "the fasterapi server binary is missing from" in err
    assert "pip install --force-reinstall fasterapi" in err
    assert os.path.join("fasterapi", "_bin") in err


# ---- check_environment as a whole -----------------------------------------------------------


def test_check_environment_reports_missing_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_tree(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(fb, "GO_FALLBACK", str(tmp_path / "no-go"))
    with pytest.raises(fb.BuildError) as info:
        fb.check_environment(str(tmp_path), make_interp(include_dir=str(tmp_path)))
    message = str(info.value)
    assert "Go >= 1.26 is required to build FasterAPI: https://go.dev/dl" in message
    # The other problems are reported in the same run.
    assert "Python.h not found in " + str(tmp_path) in message


def test_check_environment_refuses_old_python_first(tmp_path: Path) -> None:
    with pytest.raises(fb.BuildError, match=r"Python >= 3\.12.*3\.11\.7"):
        fb.check_environment(str(tmp_path), make_interp(version=(3, 11, 7)))


def test_get_requires_hook_exits_with_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(make_tree(tmp_path))
    monkeypatch.setattr(
        fb.Interpreter,
        "current",
        classmethod(lambda cls: make_interp(version=(3, 11, 7), executable="/usr/bin/python3.11")),
    )
    with pytest.raises(SystemExit) as info:
        fb.get_requires_for_build_wheel()
    assert str(info.value.code).startswith("error: FasterAPI needs Python >= 3.12")
