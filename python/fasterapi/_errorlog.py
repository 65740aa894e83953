"""Where handler crashes are reported: the `fasterapi.error` logger.

An app that never configured logging must still see its tracebacks, so a
stderr handler is attached on first use when nothing in the logger's
hierarchy would otherwise print them. `logging` itself is imported only when
the first error happens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import logging

LOGGER_NAME = "fasterapi.error"
_logger: logging.Logger | None = None


def get_logger() -> logging.Logger:
    global _logger
    if _logger is None:
        import logging

        logger = logging.getLogger(LOGGER_NAME)
        if not logger.hasHandlers():
            handler = logging.StreamHandler()  # stderr
            handler.setFormatter(logging.Formatter("%(levelname)s:%(name)s: %(message)s"))
            logger.addHandler(handler)
        _logger = logger
    return _logger


def log_exception(message: str) -> None:
    """Log `message` with the exception being handled; never raises."""
    try:
        get_logger().exception(message)
    except Exception:  # a broken logging setup must not turn a 500 into a crash
        import sys
        import traceback

        print(message, file=sys.stderr)
        traceback.print_exc()
