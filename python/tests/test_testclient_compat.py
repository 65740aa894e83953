"""The ported part of tests/py/test_e2e_testclient.py, with its imports switched back to
fastapi, passes under FastAPI and its own TestClient: what the FasterAPI client is tested
against there is exactly what FastAPI does. Needs FastAPI: `make test` runs it with
.venv-ref's Python (conftest.py leaves it out where FastAPI is not installed, and says so)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PORTED = Path(__file__).resolve().parents[2] / "tests" / "py" / "test_e2e_testclient.py"
START = "# ---- the ported file"
END = "# ---- FasterAPI's client in particular"


def test_ported_file_passes_under_fastapi(tmp_path: Path) -> None:
    source = PORTED.read_text()
    head, rest = source.split(START)
    ported = rest.split(END)[0].split("\n", 1)[1]  # without the rest of the marker line
    original = (head + ported).replace("from fasterapi.testclient import", "from "
                                       "fastapi.testclient import")
    original = original.replace("from fasterapi import", "from fastapi import")
    assert "import fasterapi" not in original and "from fasterapi" not in original
    target = tmp_path / "test_original.py"
    target.write_text(original)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(target)],
        capture_output=True, text=True, timeout=120, check=False, cwd=tmp_path,
        stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "failed" not in result.stdout
