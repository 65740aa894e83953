"""Running `async def` handlers from the host's synchronous call.

For now each interpreter keeps one event loop, created on the first async
handler and reused for every later one; sync-only apps never import asyncio.
The whole policy lives in `run_coroutine` so a real async model can replace it.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import asyncio

_loop: asyncio.AbstractEventLoop | None = None


def run_coroutine(coroutine: Coroutine[Any, Any, Any]) -> Any:
    global _loop
    loop = _loop
    if loop is None or loop.is_closed():
        import asyncio

        loop = _loop = asyncio.new_event_loop()
    return loop.run_until_complete(coroutine)
