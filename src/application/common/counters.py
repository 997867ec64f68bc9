"""Counting on the key-value port with one call per key in flight per process.

On NATS KV an increment is a read and a compare-and-set write (two round trips), and callers that
increment the same key at the same time make each other retry: with 50 concurrent requests on one
token, the rate limiter spent ~3.5 ms of CPU per request (docs/bench/identity.md). Here the calls
for one key that arrive while an increment of that key is on its way are sent together as one
`increment(by=n)`, and each caller gets its own value from the range that increment produced, so
the counts stay exact across processes: the n values `end - n + 1 .. end` belong to this process.
"""

from __future__ import annotations

import asyncio
from typing import Any

from domain.common.kv import KeyValueStore


class _Batch:
    __slots__ = ("sent", "size")

    def __init__(self) -> None:
        self.size = 1
        self.sent: asyncio.Task[int] | None = None


class CoalescingCounter:
    def __init__(self, kv: KeyValueStore) -> None:
        self._kv = kv
        self._busy: dict[str, asyncio.Future[Any]] = {}  # per key: done when its call in flight ends
        self._open: dict[str, _Batch] = {}  # per key: the batch waiting for that call, still joinable

    async def increment(self, key: str, *, ttl: float) -> int:
        """Add one to the counter `key` and return this caller's value of it."""
        batch = self._open.get(key)
        if batch is not None:
            slot = batch.size
            batch.size += 1
            assert batch.sent is not None
            # Shielded: a caller that goes away (client disconnect) must not cancel the others' count.
            end = await asyncio.shield(batch.sent)
            return end - batch.size + 1 + slot
        busy = self._busy.get(key)
        if busy is None:
            # Nothing in flight: call directly (no task; an adapter that does not suspend, like the
            # in-process one, never gets here with a call in flight).
            done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._busy[key] = done
            try:
                return await self._kv.increment(key, ttl=ttl)
            finally:
                done.set_result(None)
                if self._busy.get(key) is done:
                    del self._busy[key]
        batch = self._open[key] = _Batch()
        sent = batch.sent = asyncio.create_task(self._send(key, batch, ttl, busy))
        self._busy[key] = sent
        sent.add_done_callback(lambda task: self._sent(key, batch, task))
        end = await asyncio.shield(sent)
        return end - batch.size + 1

    async def _send(self, key: str, batch: _Batch, ttl: float, previous: asyncio.Future[Any]) -> int:
        await asyncio.wait([previous])  # one call per key at a time; meanwhile later callers join
        del self._open[key]  # closed: from here on its size is fixed
        return await self._kv.increment(key, by=batch.size, ttl=ttl)

    def _sent(self, key: str, batch: _Batch, task: asyncio.Task[int]) -> None:
        if self._open.get(key) is batch:  # ended before it was sent (cancelled at shutdown)
            del self._open[key]
        if self._busy.get(key) is task:
            del self._busy[key]
        if not task.cancelled():
            task.exception()  # seen here, so a batch whose callers all left does not log it as lost
