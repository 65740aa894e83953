"""In-tree PEP 517 build backend for FasterAPI.

FasterAPI ships a Go server that embeds CPython through cgo, so a wheel holds a native binary
linked against the libpython of the interpreter that builds it. setuptools would add a build
dependency and nothing we need (there is no Python extension to compile), so this module does
the whole job with the standard library: it checks the toolchain, runs `go build` with cgo
flags taken from the running interpreter's sysconfig, and writes the wheel and sdist archives.

pyproject.toml's [project] table is the single source of truth for the metadata; the version
in python/fasterapi/_version.py is checked against it on every build so the two never drift.

The module is imported by every frontend before any hook runs, possibly by an old Python that
is about to be refused, so it keeps to syntax and imports that load on Python 3.8 and defers
tomllib (3.11+) until the version check has passed.
"""

from __future__ import annotations

import ast
import base64
import csv
import hashlib
import io
import json
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# PEP 684 (a GIL per sub-interpreter) arrived in 3.12; pyproject.toml's requires-python says
# the same, and a unit test keeps the two equal.
MIN_PYTHON = (3, 12)
# Used only when go.mod cannot be read; go.mod's `go` line is the real minimum.
DEFAULT_MIN_GO = "1.26"
GO_DOWNLOAD_URL = "https://go.dev/dl"
GO_FALLBACK = "/usr/local/go/bin/go"  # Go's official tarball location, often not on PATH
VERSION_FILE = "python/fasterapi/_version.py"
PACKAGE_DIR = "python/fasterapi"
BINARY_ARCNAME = "fasterapi/_bin/fasterapi"
GENERATOR = "fasterapi_build"


class BuildError(Exception):
    """A problem the user must fix; reported as a plain message, without a traceback."""


# ---------------------------------------------------------------------------------------------
# Project metadata (pyproject.toml)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Readme:
    text: str
    content_type: str


@dataclass(frozen=True)
class Project:
    name: str
    version: str
    requires_python: str | None = None
    summary: str | None = None
    license: str | None = None
    readme: Readme | None = None
    # group -> {name: object reference}; console_scripts and gui_scripts included
    entry_points: dict[str, dict[str, str]] = field(default_factory=dict)


def _content_type_for(filename: str) -> str:
    lower = filename.lower()
    if lower.endswith((".md", ".markdown")):
        return "text/markdown"
    if lower.endswith(".rst"):
        return "text/x-rst"
    return "text/plain"


def _read_readme(root: str, spec: object) -> Readme | None:
    """Resolves [project].readme; a missing file is a warning because README.md may not be
    written yet and a wheel without a long description still installs and runs."""
    if spec is None:
        return None
    if isinstance(spec, str):
        filename, content_type = spec, _content_type_for(spec)
    elif isinstance(spec, dict):
        if "text" in spec:
            return Readme(str(spec["text"]), str(spec.get("content-type", "text/plain")))
        filename = str(spec.get("file", ""))
        content_type = str(spec.get("content-type", _content_type_for(filename)))
    else:
        raise BuildError("pyproject.toml: [project].readme must be a string or a table")
    path = os.path.join(root, filename)
    if not os.path.isfile(path):
        _log(f"warning: {filename} not found; building without a long description")
        return None
    with open(path, encoding="utf-8") as f:
        return Readme(f.read(), content_type)


def _license_text(root: str, spec: object) -> str | None:
    # PEP 639 string form ("MIT") or the older {text = ...} / {file = ...} tables.
    if spec is None:
        return None
    if isinstance(spec, str):
        return spec
    if isinstance(spec, dict):
        if "text" in spec:
            return str(spec["text"])
        if "file" in spec:
            with open(os.path.join(root, str(spec["file"])), encoding="utf-8") as f:
                return f.read()
    raise BuildError("pyproject.toml: [project].license must be a string or a table")


def project_from_table(root: str, table: Mapping[str, Any]) -> Project:
    """Builds Project from the parsed [project] table, checking the fields we rely on."""
    name, version = table.get("name"), table.get("version")
    if not isinstance(name, str) or not isinstance(version, str):
        raise BuildError("pyproject.toml: [project] needs string `name` and `version`")
    entry_points: dict[str, dict[str, str]] = {}
    for key, group in (("scripts", "console_scripts"), ("gui-scripts", "gui_scripts")):
        if key in table:
            entry_points[group] = {str(k): str(v) for k, v in table[key].items()}
    for group, items in table.get("entry-points", {}).items():
        entry_points[str(group)] = {str(k): str(v) for k, v in items.items()}
    summary = table.get("description")
    requires_python = table.get("requires-python")
    return Project(
        name=name,
        version=version,
        requires_python=str(requires_python) if requires_python is not None else None,
        summary=str(summary) if summary is not None else None,
        license=_license_text(root, table.get("license")),
        readme=_read_readme(root, table.get("readme")),
        entry_points=entry_points,
    )


def load_project(root: str) -> Project:
    import tomllib  # deferred: absent before 3.11, and those Pythons are refused first

    path = os.path.join(root, "pyproject.toml")
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        raise BuildError(f"pyproject.toml not found in {root}") from None
    except tomllib.TOMLDecodeError as e:
        raise BuildError(f"pyproject.toml is not valid TOML: {e}") from None
    table = data.get("project")
    if not isinstance(table, dict):
        raise BuildError("pyproject.toml has no [project] table")
    return project_from_table(root, table)


def read_version_py(source: str) -> str | None:
    """Returns the string assigned to __version__ in _version.py, without importing it (the
    package's __init__ may need things the build environment does not have)."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets = [node.target]
        else:
            continue
        value = node.value
        for target in targets:
            if (
                isinstance(target, ast.Name)
                and target.id == "__version__"
                and isinstance(value, ast.Constant)
                and isinstance(value.value, str)
            ):
                return value.value
    return None


def version_mismatch_error(pyproject_version: str, module_version: str | None) -> str | None:
    if module_version is None:
        return (
            f"{VERSION_FILE} must assign __version__ = {pyproject_version!r} "
            "(pyproject.toml's [project].version is the source of truth)"
        )
    if module_version != pyproject_version:
        return (
            f"version mismatch: pyproject.toml says {pyproject_version!r} but {VERSION_FILE} "
            f"says {module_version!r}; set __version__ = {pyproject_version!r} in {VERSION_FILE} "
            "(pyproject.toml's [project].version is the source of truth)"
        )
    return None


def check_version_sync(root: str, project: Project) -> None:
    path = os.path.join(root, VERSION_FILE)
    try:
        with open(path, encoding="utf-8") as f:
            module_version = read_version_py(f.read())
    except FileNotFoundError:
        module_version = None
    error = version_mismatch_error(project.version, module_version)
    if error:
        raise BuildError(error)


# ---------------------------------------------------------------------------------------------
# The interpreter the wheel is built for
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Interpreter:
    """What the build needs to know about the running (target) interpreter. Inside a venv,
    sysconfig's include dir and LIBDIR already point into the base installation, which is
    where the headers and libpython live."""

    implementation: str
    version: tuple[int, int, int]
    executable: str
    enable_shared: bool
    include_dir: str
    libdir: str
    ldversion: str
    ldlibrary: str
    soabi: str
    platform: str

    @classmethod
    def current(cls) -> Interpreter:
        def var(name: str) -> str:
            value = sysconfig.get_config_var(name)
            return "" if value is None else str(value)

        major, minor, micro = sys.version_info[:3]
        return cls(
            implementation=sys.implementation.name,
            version=(major, minor, micro),
            executable=sys.executable,
            enable_shared=var("Py_ENABLE_SHARED") == "1",
            include_dir=sysconfig.get_paths()["include"],
            libdir=var("LIBDIR"),
            ldversion=var("LDVERSION") or f"{major}.{minor}",
            ldlibrary=var("LDLIBRARY"),
            soabi=var("SOABI"),
            platform=sysconfig.get_platform(),
        )


def python_version_error(
    implementation: str, version: Sequence[int], executable: str
) -> str | None:
    shown = ".".join(str(p) for p in version)
    wanted = ".".join(str(p) for p in MIN_PYTHON)
    if implementation != "cpython":
        return (
            f"FasterAPI embeds CPython and must be built by CPython >= {wanted}; "
            f"this is {implementation} {shown} ({executable})"
        )
    if tuple(version[:2]) < MIN_PYTHON:
        return (
            f"FasterAPI needs Python >= {wanted} (it runs handlers in sub-interpreters with "
            f"their own GIL, PEP 684), but this is Python {shown} ({executable}). Create the "
            f"virtual environment with a newer Python, e.g. `python3.13 -m venv .venv`, "
            "then install again with .venv/bin/pip"
        )
    return None


def interpreter_problems(
    interp: Interpreter, isfile: Callable[[str], bool] = os.path.isfile
) -> list[str]:
    """What stops cgo from compiling against and linking to this interpreter."""
    problems = []
    major_minor = f"{interp.version[0]}.{interp.version[1]}"
    if not interp.enable_shared:
        problems.append(
            "FasterAPI embeds CPython and needs a shared libpython (build Python with "
            "--enable-shared; pyenv: PYTHON_CONFIGURE_OPTS=--enable-shared); "
            f"{interp.executable} was built without it"
        )
    header = os.path.join(interp.include_dir, "Python.h")
    if not isfile(header):
        problems.append(
            f"Python.h not found in {interp.include_dir}: install the CPython development "
            f"headers (Debian/Ubuntu: apt-get install python{major_minor}-dev)"
        )
    # Only meaningful for a shared build; the message above already covers a static one.
    if interp.enable_shared and interp.ldlibrary:
        library = os.path.join(interp.libdir, interp.ldlibrary)
        if not isfile(library):
            problems.append(
                f"{library} not found, so cgo cannot link libpython (Debian/Ubuntu: apt-get "
                f"install python{major_minor}-dev)"
            )
    return problems


def abi_tag(soabi: str, version: Sequence[int]) -> str:
    """cp313, or cp313t / cp313d for free-threaded and debug builds: the binary links to
    libpython with that exact ABI, so the tag must not claim the stable ABI or a wider one."""
    parts = soabi.split("-")
    if len(parts) >= 2 and parts[0] == "cpython" and parts[1][:1].isdigit():
        return "cp" + parts[1]
    return f"cp{version[0]}{version[1]}"


def platform_tag(platform: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "_", platform)


def wheel_tag(interp: Interpreter) -> str:
    python_tag = f"cp{interp.version[0]}{interp.version[1]}"
    return f"{python_tag}-{abi_tag(interp.soabi, interp.version)}-{platform_tag(interp.platform)}"


def normalize_dist_name(name: str) -> str:
    # The escaped form used in wheel and sdist file names and the .dist-info directory.
    return re.sub(r"[-_.]+", "_", name).lower()


def wheel_filename(project: Project, tag: str) -> str:
    return f"{normalize_dist_name(project.name)}-{project.version}-{tag}.whl"


def dist_info_dirname(project: Project) -> str:
    return f"{normalize_dist_name(project.name)}-{project.version}.dist-info"


# ---------------------------------------------------------------------------------------------
# Go toolchain
# ---------------------------------------------------------------------------------------------


def find_go(path: str | None, fallback: str | None = None) -> str | None:
    found = shutil.which("go", path=path)
    if found:
        return found
    fallback = GO_FALLBACK if fallback is None else fallback
    if os.path.isfile(fallback) and os.access(fallback, os.X_OK):
        return fallback
    return None


def parse_go_version(text: str) -> tuple[int, ...] | None:
    """go1.26.8 -> (1, 26, 8); None for development builds, whose version is unknowable."""
    match = re.match(r"go(\d+)\.(\d+)(?:\.(\d+))?", text.strip())
    if not match:
        return None
    return tuple(int(p) for p in match.groups() if p is not None)


def go_mod_minimum(go_mod: str) -> str | None:
    match = re.search(r"^go\s+(\d+(?:\.\d+)*)\s*$", go_mod, re.MULTILINE)
    return match.group(1) if match else None


def go_missing_error(minimum: str) -> str:
    return f"Go >= {minimum} is required to build FasterAPI: {GO_DOWNLOAD_URL}"


def go_version_problem(goversion: str, gotoolchain: str, minimum: str, go: str) -> str | None:
    have = parse_go_version(goversion)
    want = tuple(int(p) for p in minimum.split("."))
    if have is None or have >= want:
        return None
    # Go 1.21+ fetches the toolchain go.mod asks for unless GOTOOLCHAIN forbids it, so an
    # older go is only fatal when it cannot switch.
    can_switch = have >= (1, 21) and gotoolchain.split("+")[-1] != "local"
    if can_switch:
        return None
    return f"{go_missing_error(minimum)} (found {goversion} at {go})"


def choose_c_compiler(
    go_cc: str, cc_from_env: bool, which: Callable[[str], str | None] = shutil.which
) -> tuple[str | None, str | None]:
    """Returns (CC to set, problem). cgo runs `go env CC` (gcc by default); when that is
    missing but another compiler is installed, point CC at it instead of failing."""
    words = shlex.split(go_cc) if go_cc else []
    if words and which(words[0]):
        return None, None
    if not cc_from_env:
        for candidate in ("gcc", "cc", "clang"):
            if which(candidate):
                return candidate, None
    named = go_cc or "gcc"
    return None, (
        f"cgo needs a C compiler, but {named!r} was not found on PATH: install gcc "
        "(Debian/Ubuntu: apt-get install gcc) or set CC"
    )


def go_env(go: str, env: Mapping[str, str]) -> dict[str, str]:
    # Run outside the module so a go.mod asking for a newer Go cannot make this query fail
    # or download a toolchain; we only want the local settings.
    result = subprocess.run(
        [go, "env", "-json", "GOVERSION", "GOTOOLCHAIN", "CC", "GOFLAGS"],
        cwd=tempfile.gettempdir(),
        env=dict(env),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BuildError(f"`{go} env` failed:\n{result.stdout}{result.stderr}")
    data = json.loads(result.stdout)
    return {str(k): str(v) for k, v in data.items()}


def _go_quote(arg: str) -> str:
    # CGO_CFLAGS/CGO_LDFLAGS are split by Go's quoted.Split, which understands quotes but
    # not backslashes; quote only when needed so the usual flags stay readable.
    if not re.search(r"[\s'\"]", arg):
        return arg
    return f"'{arg}'" if "'" not in arg else f'"{arg}"'


def cgo_env(base: Mapping[str, str], interp: Interpreter, cc: str | None = None) -> dict[str, str]:
    """The build environment: the caller's (GOFLAGS, GOCACHE, GOPATH, proxies pass through)
    plus cgo flags for this interpreter. A user's own CGO_CFLAGS/CGO_LDFLAGS come after ours
    so they can override -O2 or add paths."""
    env = dict(base)
    cflags = f"-I{_go_quote(interp.include_dir)} -O2"
    ldflags = (
        f"-L{_go_quote(interp.libdir)} -lpython{interp.ldversion} "
        f"-Wl,-rpath,{_go_quote(interp.libdir)}"
    )
    env["CGO_ENABLED"] = "1"
    env["CGO_CFLAGS"] = f"{cflags} {base['CGO_CFLAGS']}" if base.get("CGO_CFLAGS") else cflags
    env["CGO_LDFLAGS"] = f"{ldflags} {base['CGO_LDFLAGS']}" if base.get("CGO_LDFLAGS") else ldflags
    if cc:
        env["CC"] = cc
    return env


def go_build_command(go: str, output: str, version: str, goflags: str) -> list[str]:
    cmd = [go, "build", "-trimpath"]
    # VCS stamping runs git, which fails in a repository without commits or one owned by
    # another user (pip as root on a user's checkout); the version is stamped with -X
    # instead. A -buildvcs the user put in GOFLAGS wins.
    if "-buildvcs" not in goflags:
        cmd.append("-buildvcs=false")
    cmd += ["-ldflags", f"-s -w -X main.version={version}", "-o", output, "./cmd/fasterapi"]
    return cmd


@dataclass(frozen=True)
class Toolchain:
    go: str
    env: dict[str, str]
    goflags: str


def check_environment(root: str, interp: Interpreter) -> Toolchain:
    """Every check that can fail before compiling, reported together so one pip run shows
    everything that needs fixing."""
    error = python_version_error(interp.implementation, interp.version, interp.executable)
    if error:
        raise BuildError(error)
    problems = interpreter_problems(interp)
    minimum = DEFAULT_MIN_GO
    try:
        with open(os.path.join(root, "go.mod"), encoding="utf-8") as f:
            minimum = go_mod_minimum(f.read()) or minimum
    except FileNotFoundError:
        problems.append(f"go.mod not found in {root}: this is not a FasterAPI source tree")
    go = find_go(os.environ.get("PATH"))
    cc = None
    goflags = ""
    if go is None:
        problems.append(go_missing_error(minimum))
    else:
        settings = go_env(go, os.environ)
        goflags = settings.get("GOFLAGS", "")
        problem = go_version_problem(
            settings.get("GOVERSION", ""), settings.get("GOTOOLCHAIN", ""), minimum, go
        )
        if problem:
            problems.append(problem)
        cc, problem = choose_c_compiler(settings.get("CC", ""), bool(os.environ.get("CC")))
        if problem:
            problems.append(problem)
    if problems:
        raise BuildError("cannot build FasterAPI:\n" + "\n".join(f"  - {p}" for p in problems))
    assert go is not None  # a missing go is among the problems above
    return Toolchain(go=go, env=cgo_env(os.environ, interp, cc), goflags=goflags)


def build_go_binary(root: str, toolchain: Toolchain, output: str, version: str) -> None:
    cmd = go_build_command(toolchain.go, output, version, toolchain.goflags)
    env = toolchain.env
    _log(f"CGO_CFLAGS={env['CGO_CFLAGS']}")
    _log(f"CGO_LDFLAGS={env['CGO_LDFLAGS']}")
    _log("running " + " ".join(shlex.quote(a) for a in cmd))
    started = time.monotonic()
    # Streamed so `pip -v` shows progress (module downloads, compiler errors) as it happens,
    # and kept so a failure can quote it in the error pip always prints.
    proc = subprocess.Popen(
        cmd,
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    )
    assert proc.stdout is not None
    lines = []
    for line in proc.stdout:
        sys.stderr.write(line)
        lines.append(line)
    code = proc.wait()
    if code != 0:
        raise BuildError(
            f"go build failed (exit status {code}):\n{''.join(lines)}"
            f"CGO_CFLAGS={env['CGO_CFLAGS']}\nCGO_LDFLAGS={env['CGO_LDFLAGS']}"
        )
    if not os.path.isfile(output):
        raise BuildError(f"go build succeeded but produced no {output}")
    _log(f"go build finished in {time.monotonic() - started:.1f}s")


# ---------------------------------------------------------------------------------------------
# Metadata files
# ---------------------------------------------------------------------------------------------


def metadata_text(project: Project) -> str:
    lines = ["Metadata-Version: 2.1", f"Name: {project.name}", f"Version: {project.version}"]
    if project.summary:
        lines.append(f"Summary: {' '.join(project.summary.split())}")
    if project.license:
        # Core metadata headers are single-line; continuation lines keep a long license text.
        lines.append("License: " + project.license.strip().replace("\n", "\n        "))
    if project.requires_python:
        lines.append(f"Requires-Python: {project.requires_python}")
    if project.readme:
        lines.append(f"Description-Content-Type: {project.readme.content_type}")
        return "\n".join(lines) + "\n\n" + project.readme.text
    return "\n".join(lines) + "\n"


def wheel_text(tag: str) -> str:
    return (
        "Wheel-Version: 1.0\n"
        f"Generator: {GENERATOR}\n"
        # Not purelib: the wheel carries a native binary and belongs in platlib.
        "Root-Is-Purelib: false\n"
        f"Tag: {tag}\n"
    )


def entry_points_text(entry_points: Mapping[str, Mapping[str, str]]) -> str:
    sections = []
    for group, items in entry_points.items():
        body = "".join(f"{name} = {ref}\n" for name, ref in items.items())
        sections.append(f"[{group}]\n{body}")
    return "\n".join(sections)


def record_hash(data: bytes) -> str:
    digest = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def record_text(files: Iterable[tuple[str, bytes]], record_path: str) -> str:
    """RECORD as the wheel spec wants it: one csv row per file, RECORD itself unhashed."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for path, data in files:
        writer.writerow([path, record_hash(data), str(len(data))])
    writer.writerow([record_path, "", ""])
    return out.getvalue()


def dist_info_files(project: Project, tag: str, root: str) -> list[tuple[str, bytes]]:
    files = [
        ("METADATA", metadata_text(project).encode("utf-8")),
        ("WHEEL", wheel_text(tag).encode("utf-8")),
    ]
    if project.entry_points:
        files.append(("entry_points.txt", entry_points_text(project.entry_points).encode()))
    license_path = os.path.join(root, "LICENSE")
    if os.path.isfile(license_path):
        with open(license_path, "rb") as f:
            files.append(("LICENSE", f.read()))
    return files


# ---------------------------------------------------------------------------------------------
# Archives
# ---------------------------------------------------------------------------------------------


def _source_date_epoch() -> int | None:
    value = os.environ.get("SOURCE_DATE_EPOCH")
    return int(value) if value and value.isdigit() else None


def zip_date_time(epoch: float) -> tuple[int, int, int, int, int, int]:
    # Zip cannot store dates before 1980.
    t = time.gmtime(max(epoch, 315532800))
    return (t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec)


class WheelWriter:
    """Writes files into a wheel and its RECORD. Modes go into external_attr because pip
    restores the executable bit from there."""

    def __init__(self, path: str) -> None:
        self._zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED)
        self._written: list[tuple[str, bytes]] = []
        self._epoch = _source_date_epoch()

    def add(self, arcname: str, data: bytes, mode: int = 0o644, mtime: float | None = None) -> None:
        when = self._epoch if self._epoch is not None else (mtime or time.time())
        info = zipfile.ZipInfo(arcname, date_time=zip_date_time(when))
        info.external_attr = (stat.S_IFREG | mode) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        self._zip.writestr(info, data)
        self._written.append((arcname, data))

    def add_file(self, arcname: str, path: str, mode: int | None = None) -> None:
        st = os.stat(path)
        if mode is None:
            mode = 0o755 if st.st_mode & 0o111 else 0o644
        with open(path, "rb") as f:
            self.add(arcname, f.read(), mode, st.st_mtime)

    def close(self, record_path: str) -> None:
        self.add(record_path, record_text(self._written, record_path).encode("utf-8"))
        self._zip.close()

    def abort(self) -> None:
        # A half-written wheel must not be left where a frontend could pick it up.
        self._zip.close()
        os.unlink(self._zip.filename or "")


def package_files(root: str) -> list[tuple[str, str]]:
    """(arcname, path) of python/fasterapi, skipping bytecode caches and a stray _bin (which
    would collide with the binary this build puts there)."""
    base = os.path.join(root, PACKAGE_DIR)
    result = []
    for dirpath, dirnames, filenames in os.walk(base):
        rel_dir = os.path.relpath(dirpath, base)
        dirnames[:] = sorted(
            d
            for d in dirnames
            if d != "__pycache__" and not d.startswith(".") and not (rel_dir == "." and d == "_bin")
        )
        for name in sorted(filenames):
            if name.endswith((".pyc", ".pyo")) or name.startswith("."):
                continue
            rel = os.path.normpath(os.path.join("fasterapi", rel_dir, name))
            result.append((rel.replace(os.sep, "/"), os.path.join(dirpath, name)))
    return result


# Directory names never shipped, wherever they are, and paths relative to the root.
SDIST_EXCLUDED_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", ".venv", "venv", ".tox", ".nox", "__pycache__",
        ".mypy_cache", ".pytest_cache", ".ruff_cache", "node_modules",
    }
)  # fmt: skip
SDIST_EXCLUDED_PATHS = ("dist", "bench/results", "bench/out", "python/fasterapi/_bin")
# .test: binaries left by `go test -c`.
SDIST_EXCLUDED_SUFFIXES = (".pyc", ".pyo", ".whl", ".test")


def sdist_excluded(relpath: str) -> bool:
    parts = relpath.split("/")
    if any(p in SDIST_EXCLUDED_DIRS for p in parts):
        return True
    if any(relpath == p or relpath.startswith(p + "/") for p in SDIST_EXCLUDED_PATHS):
        return True
    return relpath.endswith(SDIST_EXCLUDED_SUFFIXES)


def _git_files(root: str) -> list[str] | None:
    # git knows what is generated (.gitignore: bench output, binaries) better than a fixed
    # list; outside a checkout, or without git, fall back to walking the tree.
    if not os.path.exists(os.path.join(root, ".git")) or shutil.which("git") is None:
        return None
    result = subprocess.run(
        ["git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        return None
    return [p for p in result.stdout.decode("utf-8", "surrogateescape").split("\0") if p]


def _walk_files(root: str) -> list[str]:
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in SDIST_EXCLUDED_DIRS]
        for name in filenames:
            rel = os.path.relpath(os.path.join(dirpath, name), root)
            found.append(rel.replace(os.sep, "/"))
    return found


def sdist_files(root: str) -> list[str]:
    candidates = _git_files(root)
    if candidates is None:
        candidates = _walk_files(root)
    return sorted(
        p
        for p in set(candidates)
        if not sdist_excluded(p)
        and os.path.lexists(os.path.join(root, p))
        and not os.path.isdir(os.path.join(root, p))  # submodule gitlinks
    )


# ---------------------------------------------------------------------------------------------
# PEP 517 hooks
# ---------------------------------------------------------------------------------------------


def _log(message: str) -> None:
    # stderr: pip shows it with -v and whenever the build fails.
    print(f"fasterapi_build: {message}", file=sys.stderr, flush=True)


def _fail(error: BuildError) -> SystemExit:
    # A SystemExit with a message ends the hook subprocess with status 1 and just that text,
    # which pip shows verbatim; a traceback would bury the one line that matters.
    return SystemExit(f"error: {error}")


def _root() -> str:
    # PEP 517 runs every hook with the source tree as the working directory.
    return os.getcwd()


def _prepared_project(root: str) -> Project:
    error = python_version_error(sys.implementation.name, sys.version_info[:3], sys.executable)
    if error:
        raise BuildError(error)
    project = load_project(root)
    check_version_sync(root, project)
    return project


def _write_dist_info(directory: str, project: Project, tag: str, root: str) -> str:
    name = dist_info_dirname(project)
    target = os.path.join(directory, name)
    os.makedirs(target, exist_ok=True)
    for filename, data in dist_info_files(project, tag, root):
        with open(os.path.join(target, filename), "wb") as f:
            f.write(data)
    return name


def get_requires_for_build_wheel(config_settings: Any = None) -> list[str]:
    # Checked here as well as in build_wheel because pip calls this first: a Python that is
    # too old, a static libpython or a missing Go fails before anything else happens.
    try:
        check_environment(_root(), Interpreter.current())
    except BuildError as e:
        raise _fail(e) from None
    return []


def get_requires_for_build_sdist(config_settings: Any = None) -> list[str]:
    return []


def get_requires_for_build_editable(config_settings: Any = None) -> list[str]:
    return get_requires_for_build_wheel(config_settings)


def prepare_metadata_for_build_wheel(metadata_directory: str, config_settings: Any = None) -> str:
    root = _root()
    try:
        project = _prepared_project(root)
    except BuildError as e:
        raise _fail(e) from None
    return _write_dist_info(metadata_directory, project, wheel_tag(Interpreter.current()), root)


def prepare_metadata_for_build_editable(
    metadata_directory: str, config_settings: Any = None
) -> str:
    return prepare_metadata_for_build_wheel(metadata_directory, config_settings)


def _build(wheel_directory: str, editable: bool) -> str:
    root = _root()
    interp = Interpreter.current()
    toolchain = check_environment(root, interp)
    project = _prepared_project(root)
    tag = wheel_tag(interp)
    os.makedirs(wheel_directory, exist_ok=True)
    filename = wheel_filename(project, tag)
    path = os.path.join(wheel_directory, filename)
    with tempfile.TemporaryDirectory(prefix="fasterapi-build-") as tmp:
        binary = os.path.join(tmp, "fasterapi")
        build_go_binary(root, toolchain, binary, project.version)
        writer = WheelWriter(path)
        try:
            if editable:
                # The package is imported from the source tree (a .pth entry); the binary
                # lands in site-packages/fasterapi/_bin, where cli.py looks when the package
                # directory has none. Go changes need a reinstall, Python changes do not.
                source = os.path.join(root, "python")
                pth = normalize_dist_name(project.name) + "_editable.pth"
                writer.add(pth, (source + "\n").encode("utf-8"))
            else:
                for arcname, file_path in package_files(root):
                    writer.add_file(arcname, file_path)
            writer.add_file(BINARY_ARCNAME, binary, mode=0o755)
            dist_info = dist_info_dirname(project)
            for name, data in dist_info_files(project, tag, root):
                writer.add(f"{dist_info}/{name}", data)
            writer.close(f"{dist_info}/RECORD")
        except BaseException:
            writer.abort()
            raise
    _log(f"built {filename}")
    return filename


def build_wheel(
    wheel_directory: str, config_settings: Any = None, metadata_directory: str | None = None
) -> str:
    try:
        return _build(wheel_directory, editable=False)
    except BuildError as e:
        raise _fail(e) from None


def build_editable(
    wheel_directory: str, config_settings: Any = None, metadata_directory: str | None = None
) -> str:
    try:
        return _build(wheel_directory, editable=True)
    except BuildError as e:
        raise _fail(e) from None


def _tar_filter(info: tarfile.TarInfo, epoch: int | None) -> tarfile.TarInfo:
    # No build-machine owner names or umask in the archive.
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    if info.isfile():
        info.mode = 0o755 if info.mode & 0o111 else 0o644
    if epoch is not None:
        info.mtime = epoch
    return info


def build_sdist(sdist_directory: str, config_settings: Any = None) -> str:
    root = _root()
    try:
        project = load_project(root)
        check_version_sync(root, project)
    except BuildError as e:
        raise _fail(e) from None
    base = f"{normalize_dist_name(project.name)}-{project.version}"
    filename = base + ".tar.gz"
    os.makedirs(sdist_directory, exist_ok=True)
    epoch = _source_date_epoch()
    pkg_info = metadata_text(project).encode("utf-8")
    with tarfile.open(
        os.path.join(sdist_directory, filename), "w:gz", format=tarfile.PAX_FORMAT
    ) as tar:
        for rel in sdist_files(root):
            tar.add(
                os.path.join(root, rel),
                arcname=f"{base}/{rel}",
                recursive=False,
                filter=lambda info: _tar_filter(info, epoch),
            )
        info = tarfile.TarInfo(f"{base}/PKG-INFO")
        info.size = len(pkg_info)
        info.mode = 0o644
        info.mtime = epoch if epoch is not None else int(time.time())
        tar.addfile(info, io.BytesIO(pkg_info))
    _log(f"built {filename}")
    return filename
