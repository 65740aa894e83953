"""An app module that fails while being imported: `fasterapi serve` must show the traceback
and exit non-zero (tests/py/test_e2e_cli.py)."""

from fasterapi import FastAPI

app = FastAPI()


def _load_settings() -> dict[str, str]:
    raise RuntimeError("settings-import-failure-5d1e")


SETTINGS = _load_settings()
