"""The `fasterapi` console script: hands over to the Go server binary shipped in the wheel.

The server embeds CPython, so it needs to know which installation and which venv it serves;
this process knows both and passes them in FASTERAPI_* variables, then replaces itself with
the binary (exec, not a child process) so signals, the exit status and the pid are the
server's own. It runs on every start, so it imports only modules Python has loaded anyway,
plus json.
"""

import json
import os
import sys

_BINARY = os.path.join("_bin", "fasterapi")


def find_binary(package_dir: str, search_path: list[str]) -> str | None:
    """The binary beside this package, as a regular install puts it; failing that, a
    fasterapi/_bin/fasterapi in a sys.path entry, which is where an editable install leaves
    it while the Python files are imported from the source tree."""
    candidates = [os.path.join(package_dir, _BINARY)]
    # Absolute entries only: a binary must never be picked up relative to the cwd.
    candidates += [
        os.path.join(entry, "fasterapi", _BINARY) for entry in search_path if os.path.isabs(entry)
    ]
    for candidate in candidates:
        if os.path.isfile(candidate):
            return candidate
    return None


def embedded_sys_path(path: list[str], argv0: str, cwd: str, safe_path: bool) -> list[str]:
    """sys.path for the embedded interpreters: this one's, minus what CPython put in front for
    the launching script (its directory, i.e. the venv's bin, or the cwd for -m, or "") and
    minus "": the server adds the app directory itself."""
    entries = list(path)
    if entries and not safe_path:
        # CPython resolves a symlinked script before taking its directory; accept both forms.
        script_dirs = (
            {os.path.dirname(os.path.abspath(argv0)), os.path.dirname(os.path.realpath(argv0))}
            if argv0
            else set()
        )
        if entries[0] == "" or entries[0] == cwd or entries[0] in script_dirs:
            entries.pop(0)
    return [entry for entry in entries if entry != ""]


def server_environment(base: dict[str, str], search_path: list[str]) -> dict[str, str]:
    env = dict(base)
    # The embedded interpreter's home: where the standard library is. For a venv that is
    # the base installation, not the venv.
    env["FASTERAPI_PYTHON_HOME"] = sys.base_prefix
    env["FASTERAPI_SYS_PATH"] = json.dumps(search_path)
    env["FASTERAPI_PYTHON_EXECUTABLE"] = sys.executable
    return env


def main(argv: list[str] | None = None) -> int:
    """Execs the server with the given arguments (sys.argv[1:] by default). Returns only on
    failure, with the exit status to use."""
    args = sys.argv[1:] if argv is None else argv
    package_dir = os.path.dirname(os.path.abspath(__file__))
    search_path = embedded_sys_path(sys.path, sys.argv[0], os.getcwd(), bool(sys.flags.safe_path))
    binary = find_binary(package_dir, search_path)
    if binary is None:
        print(
            f"fasterapi: the fasterapi server binary is missing from "
            f"{os.path.join(package_dir, '_bin')}; reinstall with "
            "pip install --force-reinstall fasterapi",
            file=sys.stderr,
        )
        return 1
    env = server_environment(dict(os.environ), search_path)
    try:
        os.execve(binary, [binary, *args], env)
    except OSError as e:
        print(f"fasterapi: cannot run {binary}: {e}", file=sys.stderr)
        return 1
    return 0  # unreachable: execve does not return on success
