"""The SSE fan-out of the benchmark, shared by every Python app.

One ticker per process (per interpreter under FasterAPI) publishes a new event every
TICK_SECONDS and wakes every subscribed client; each client's stream then yields that one
event. A client still busy sending the previous event when the next tick comes misses it
(it waits for the tick after), so nothing queues up: with 1,000 clients the offered load is
1,000 x 1/TICK_SECONDS = 1M events/s, far above what any server here pushes, and the events/s
the clients count is the server's push throughput. The event bytes are built once per tick,
so the per-client cost is the server's, not the app's.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

TICK_SECONDS = 0.001


class Broadcaster:
    def __init__(self) -> None:
        self._tick = asyncio.Event()
        self._event = b""
        self._ticker: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        seq = 0
        while True:
            await asyncio.sleep(TICK_SECONDS)
            seq += 1
            self._event = b'data: {"seq":%d,"t":%.6f}\n\n' % (seq, time.time())
            tick, self._tick = self._tick, asyncio.Event()
            tick.set()

    async def events(self) -> AsyncIterator[bytes]:
        """The event stream of one client, until it goes away (the server cancels it)."""
        if self._ticker is None or self._ticker.done():
            self._ticker = asyncio.get_running_loop().create_task(self._run())
        while True:
            await self._tick.wait()
            yield self._event


broadcaster = Broadcaster()
