from __future__ import annotations

import logging
import subprocess
import sys

from conftest import PYTHON_DIR


def test_traceback_reaches_stderr_without_logging_config() -> None:
    code = (
        "from fasterapi import FastAPI\n"
        "from fasterapi._raw import PyRawRequest\n"
        "app = FastAPI()\n"
        "@app.get('/')\n"
        "def boom():\n"
        "    raise ValueError('kaput')\n"
        "print(app._dispatch(0, PyRawRequest(path='/x')).status_code)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=PYTHON_DIR, check=True)
    assert done.stdout.strip() == "500"
    assert "ERROR:fasterapi.error: Exception in endpoint for GET /x" in done.stderr
    assert "ValueError: kaput" in done.stderr


def test_configured_logging_is_respected() -> None:
    from fasterapi import _errorlog

    _errorlog._logger = None
    root = logging.getLogger()
    handler = logging.NullHandler()
    root.addHandler(handler)
    try:
        logger = _errorlog.get_logger()
        assert not logger.handlers  # the app's root handler is used instead
    finally:
        root.removeHandler(handler)
        _errorlog._logger = None
