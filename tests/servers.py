"""HTTP servers for crawler tests, on an event loop of their own in a thread.

A server on the test's own event loop logs a request when that loop gets to it, after whatever
the crawler workers on the same loop are doing (parsing, producing); on a loaded machine that
shifts arrival times by a few hundred milliseconds, and per-host delays measured from them say
more about the loop than about the crawler. On its own loop a server logs arrivals as they come.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class ServerLoop:
    """An event loop running in a daemon thread; `run` awaits a coroutine on it from another loop."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="test-servers", daemon=True)
        self._thread.start()

    async def run(self, work: Coroutine[Any, Any, T]) -> T:
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(work, self.loop))

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
        self.loop.close()
