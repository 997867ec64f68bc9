"""One chat write transaction at a time in this process, when the database takes one writer at a time.

SQLite lets a second writer wait in its busy handler, which sleeps up to 100 ms between retries: under
many concurrent chats most of a turn's time went to those sleeps. Waiting on an asyncio lock instead
costs nothing. With MySQL/MariaDB (row locks, many writers) the gate is open.
"""

from __future__ import annotations

import asyncio
from types import TracebackType


class WriteGate:
    def __init__(self, serial: bool = False) -> None:
        self._lock = asyncio.Lock() if serial else None

    async def __aenter__(self) -> None:
        if self._lock is not None:
            await self._lock.acquire()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._lock is not None:
            self._lock.release()
