from __future__ import annotations

import asyncio

from fasterapi import FastAPI, _concurrency
from fasterapi._raw import PyRawRequest


async def _current_loop() -> asyncio.AbstractEventLoop:
    return asyncio.get_running_loop()


def test_one_loop_is_reused_and_replaced_when_closed() -> None:
    first = _concurrency.run_coroutine(_current_loop())
    assert _concurrency.run_coroutine(_current_loop()) is first
    first.close()
    assert _concurrency.run_coroutine(_current_loop()) is not first


def test_sync_handlers_never_create_a_loop() -> None:
    app = FastAPI()

    @app.get("/")
    def handler() -> int:
        return 1

    _concurrency._loop = None
    assert app._dispatch(0, PyRawRequest()) == 1
    assert _concurrency._loop is None
