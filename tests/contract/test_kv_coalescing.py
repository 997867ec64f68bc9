"""CoalescingCounter over both KeyValueStore adapters: concurrent increments of one key travel as
one KV call per process, and every caller still gets its own exact count across processes."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from application.common.counters import CoalescingCounter
from domain.common.kv import KeyValueStore
from tests.contract.test_kv import Factory, key, make_kv  # noqa: F401 (make_kv is a fixture)


class Counted:
    """The store, counting increments; failing the next `fail` of them; holding them while `gate`
    is closed (a slow round trip)."""

    def __init__(self, store: KeyValueStore) -> None:
        self.store, self.calls, self.fail = store, 0, 0
        self.gate = asyncio.Event()
        self.gate.set()

    async def increment(self, k: str, *, by: int = 1, ttl: float) -> int:
        self.calls += 1
        await self.gate.wait()
        if self.fail:
            self.fail -= 1
            raise ConnectionError("kv down")
        return await self.store.increment(k, by=by, ttl=ttl)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


async def _counted(make_kv: Factory, peer: bool = False) -> tuple[Counted, CoalescingCounter]:  # noqa: F811
    store = Counted(await make_kv(peer=peer))
    return store, CoalescingCounter(store)  # type: ignore[arg-type]


async def test_concurrent_increments_take_two_calls_and_stay_exact_across_processes(
    make_kv: Factory,  # noqa: F811
) -> None:
    (first, a), (second, b) = await _counted(make_kv), await _counted(make_kv, peer=True)
    first.gate.clear()
    second.gate.clear()
    k = key("rate")
    calls = [asyncio.create_task((a, b)[i % 2].increment(k, ttl=60)) for i in range(100)]
    await asyncio.sleep(0.01)
    first.gate.set()
    second.gate.set()
    counts = [await c for c in calls]
    assert sorted(counts) == list(range(1, 101))
    # Per process: the first caller's own call, then everyone who came while it was on its way.
    assert first.calls == 2 and second.calls == 2
    assert await a.increment(k, ttl=60) == 101


async def test_a_lone_caller_calls_directly(make_kv: Factory) -> None:  # noqa: F811
    store, counter = await _counted(make_kv)
    k = key("rate")
    assert [await counter.increment(k, ttl=60) for _ in range(3)] == [1, 2, 3]
    assert store.calls == 3


async def test_a_failed_call_fails_its_batch_only(make_kv: Factory) -> None:  # noqa: F811
    store, counter = await _counted(make_kv)
    k = key("rate")
    store.gate.clear()
    lone = asyncio.create_task(counter.increment(k, ttl=60))
    await asyncio.sleep(0)
    batch = [asyncio.create_task(counter.increment(k, ttl=60)) for _ in range(4)]
    await asyncio.sleep(0)
    store.fail = 1  # the lone caller's call fails, the batch after it goes through
    store.gate.set()
    with pytest.raises(ConnectionError):
        await lone
    assert sorted([await t for t in batch]) == [1, 2, 3, 4]
    store.fail = 1
    results = await asyncio.gather(*(counter.increment(k, ttl=60) for _ in range(3)), return_exceptions=True)
    assert isinstance(results[0], ConnectionError) and results[1:] == [5, 6]


async def test_a_caller_that_leaves_does_not_cancel_the_others(make_kv: Factory) -> None:  # noqa: F811
    store, counter = await _counted(make_kv)
    k = key("rate")
    store.gate.clear()
    lone = asyncio.create_task(counter.increment(k, ttl=60))
    await asyncio.sleep(0)
    leaving = asyncio.create_task(counter.increment(k, ttl=60))
    staying = asyncio.create_task(counter.increment(k, ttl=60))
    await asyncio.sleep(0)
    leaving.cancel()
    store.gate.set()
    assert await lone == 1
    assert await staying == 3  # the departed caller's count was taken too: it did arrive
    with pytest.raises(asyncio.CancelledError):
        await leaving
    assert await counter.increment(k, ttl=60) == 4
