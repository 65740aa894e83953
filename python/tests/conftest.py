"""Make the in-tree package importable without installing it, and leave out the tests that
compare with FastAPI in this very process where FastAPI is not installed.

The test venvs have no FastAPI on purpose (FasterAPI must not need it); `make test` runs this
directory once more with .venv-ref's Python, where FastAPI from PyPI is, so those tests run
there. tests/py/test_diff_*.py compare with FastAPI over HTTP instead.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

PYTHON_DIR = str(Path(__file__).resolve().parent.parent)
if PYTHON_DIR not in sys.path:
    sys.path.insert(0, PYTHON_DIR)

NEEDS_FASTAPI = ["test_reference_encoding.py", "test_testclient_compat.py"]
HAS_FASTAPI = importlib.util.find_spec("fastapi") is not None
collect_ignore = [] if HAS_FASTAPI else NEEDS_FASTAPI


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not HAS_FASTAPI:
        terminalreporter.write_line(
            f"python/tests: {', '.join(NEEDS_FASTAPI)} not collected: they need FastAPI, "
            "which this venv lacks; `make test` runs them with .venv-ref/bin/python")
