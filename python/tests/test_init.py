"""The package surface and its import cost inside every sub-interpreter."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import PYTHON_DIR

import fasterapi


def test_public_names() -> None:
    for name in fasterapi.__all__:
        assert hasattr(fasterapi, name), name
    assert fasterapi.FastAPI is fasterapi.FasterAPI
    assert fasterapi.__version__


def test_import_uses_only_the_standard_library_and_stays_light() -> None:
    code = ("import sys, json; before = set(sys.modules); import fasterapi; "
            "print(json.dumps(sorted(set(sys.modules) - before)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=PYTHON_DIR, check=True)
    loaded = json.loads(done.stdout)
    outside = [m for m in loaded if m.split(".")[0] not in sys.stdlib_module_names
               and m.split(".")[0] != "fasterapi"]
    assert outside == []
    # Loaded on first use only: asyncio (async handlers), logging (errors),
    # http.cookies (set_cookie), urllib (percent-escapes).
    for lazy in ("asyncio", "logging", "http.cookies", "urllib.parse", "email", "uuid",
                 "decimal", "datetime", "ipaddress", "pathlib"):
        assert lazy not in loaded, lazy
