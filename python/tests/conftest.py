"""Make the in-tree package importable without installing it."""

from __future__ import annotations

import sys
from pathlib import Path

PYTHON_DIR = str(Path(__file__).resolve().parent.parent)
if PYTHON_DIR not in sys.path:
    sys.path.insert(0, PYTHON_DIR)
