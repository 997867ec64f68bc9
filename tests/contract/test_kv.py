"""Contract of the KeyValueStore port, run against the in-process dict and a NATS KV bucket."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from domain.common.kv import MAX_VALUE_BYTES, InvalidKey, InvalidKvValue, KeyValueStore
from infra.kv.inprocess import InProcessKeyValue
from infra.kv.nats import NatsKeyValue
from infra.nats.connection import NatsConnection
from tests.support.servers import server_url

NATS_ENV = "COZEPLUS_TEST_NATS_URL"
WAIT_S = 15.0

# make(peer=False) -> a store; peer=True gives another "process" on the same data.
Factory = Callable[..., Awaitable[KeyValueStore]]


@pytest.fixture(params=["inprocess", pytest.param("nats", marks=pytest.mark.nats)])
async def make_kv(request: pytest.FixtureRequest) -> AsyncIterator[Factory]:
    cleanups: list[Callable[[], Awaitable[None]]] = []
    if request.param == "inprocess":
        shared: dict[str, InProcessKeyValue] = {}

        async def make_inprocess(max_ttl: float = 3600.0, peer: bool = False) -> KeyValueStore:
            if peer and "store" in shared:
                return shared["store"]
            store = InProcessKeyValue(max_ttl=max_ttl)
            await store.start()
            cleanups.append(store.stop)
            shared["store"] = store
            return store

        yield make_inprocess
    else:
        url = server_url(NATS_ENV)
        bucket = f"cpt_kv_{uuid.uuid4().hex[:10]}"

        async def make_nats(max_ttl: float = 3600.0, peer: bool = False) -> KeyValueStore:
            connection = NatsConnection(url)  # one connection per simulated process
            await connection.start()
            cleanups.append(connection.stop)
            store = NatsKeyValue(connection, bucket=bucket, max_ttl=max_ttl)
            await store.start()
            return store

        async def drop_bucket() -> None:
            connection = NatsConnection(url)
            await connection.start()
            with contextlib.suppress(Exception):  # never created
                await connection.jetstream().delete_key_value(bucket)
            await connection.stop()

        cleanups.append(drop_bucket)
        yield make_nats
    for cleanup in reversed(cleanups):
        await cleanup()


def key(prefix: str = "test") -> str:
    return f"{prefix}.{uuid.uuid4().hex[:12]}"


async def eventually(probe: Callable[[], Awaitable[bool]]) -> None:
    """Poll until `probe` holds (expiry has no notification to wait on); fail after WAIT_S."""
    async with asyncio.timeout(WAIT_S):
        while not await probe():  # noqa: ASYNC110
            await asyncio.sleep(0.05)


async def test_put_get_and_revisions(make_kv: Factory) -> None:
    kv = await make_kv()
    k = key("cache")
    assert await kv.get(k) is None
    first = await kv.put(k, b"one", ttl=60)
    second = await kv.put(k, "二".encode(), ttl=60)
    assert second > first > 0
    entry = await kv.get(k)
    assert entry is not None
    assert (entry.key, entry.value, entry.revision) == (k, "二".encode(), second)
    await kv.put(k, b"", ttl=60)
    empty = await kv.get(k)
    assert empty is not None
    assert empty.value == b""


async def test_create_if_absent_and_delete(make_kv: Factory) -> None:
    kv = await make_kv()
    k = key("lock")
    revision = await kv.create(k, b"owner-a", ttl=60)
    assert revision is not None
    assert await kv.create(k, b"owner-b", ttl=60) is None
    assert await kv.delete(k, revision=revision + 1000) is False
    assert await kv.delete(k, revision=revision) is True
    assert await kv.get(k) is None
    assert await kv.delete(k) is False
    again = await kv.create(k, b"owner-b", ttl=60)
    assert again is not None
    assert again > revision
    assert await kv.delete(k) is True


async def test_lock_contention_has_exactly_one_winner(make_kv: Factory) -> None:
    stores = [await make_kv(), await make_kv(peer=True)]
    k = key("lock")
    results = await asyncio.gather(
        *(stores[i % 2].create(k, f"owner-{i}".encode(), ttl=60) for i in range(12))
    )
    winners = [i for i, r in enumerate(results) if r is not None]
    assert len(winners) == 1
    entry = await stores[1].get(k)
    assert entry is not None
    assert entry.value == f"owner-{winners[0]}".encode()


async def test_compare_and_set(make_kv: Factory) -> None:
    kv, other = await make_kv(), await make_kv(peer=True)
    k = key("flag")
    first = await kv.put(k, b"v1", ttl=60)
    second = await other.update(k, b"v2", revision=first, ttl=60)
    assert second is not None
    assert await kv.update(k, b"v3", revision=first, ttl=60) is None  # stale revision loses
    entry = await kv.get(k)
    assert entry is not None
    assert (entry.value, entry.revision) == (b"v2", second)
    assert await kv.update(key("missing"), b"x", revision=1, ttl=60) is None


async def test_keys_expire_after_their_ttl(make_kv: Factory) -> None:
    kv = await make_kv()
    short, long = key("cancel"), key("cancel")
    revision = await kv.put(short, b"1", ttl=0.3)
    await kv.put(long, b"1", ttl=60)

    async def expired() -> bool:
        return await kv.get(short) is None

    await eventually(expired)
    assert await kv.get(long) is not None
    # An expired entry is gone for every operation: no update, no delete, and a lock can be retaken.
    assert await kv.update(short, b"2", revision=revision, ttl=60) is None
    assert await kv.delete(short) is False
    assert await kv.create(short, b"new-owner", ttl=60) is not None


async def test_expired_lock_is_taken_by_one_contender(make_kv: Factory) -> None:
    stores = [await make_kv(), await make_kv(peer=True)]
    k = key("lock")
    await stores[0].create(k, b"crashed-owner", ttl=0.3)

    async def expired() -> bool:
        return await stores[1].get(k) is None

    await eventually(expired)
    results = await asyncio.gather(*(stores[i % 2].create(k, b"next", ttl=60) for i in range(8)))
    assert sum(r is not None for r in results) == 1


async def test_increment_counts_across_processes_and_keeps_its_window(make_kv: Factory) -> None:
    stores = [await make_kv(), await make_kv(peer=True)]
    k = key("rate")
    counts = await asyncio.gather(*(stores[i % 2].increment(k, ttl=60) for i in range(20)))
    assert sorted(counts) == list(range(1, 21))
    assert await stores[0].increment(k, by=5, ttl=60) == 25
    assert await stores[0].increment(k, by=-25, ttl=60) == 0

    window = key("rate")
    assert await stores[0].increment(window, ttl=0.4) == 1
    assert await stores[1].increment(window, ttl=60) == 2  # the window keeps its first deadline

    async def window_closed() -> bool:
        return await stores[0].get(window) is None

    await eventually(window_closed)
    assert await stores[0].increment(window, ttl=60) == 1

    text = key("cache")
    await stores[0].put(text, b"not a number", ttl=60)
    with pytest.raises(InvalidKvValue):
        await stores[0].increment(text, ttl=60)


async def test_a_hot_counter_counts_every_concurrent_increment(make_kv: Factory) -> None:
    # A rate-limit window of one busy token: hundreds of requests at once in one process, a few
    # in another. Every increment must land (a lost compare-and-set race is retried, not raised).
    stores = [await make_kv(), await make_kv(peer=True)]
    k = key("hot")
    calls = [stores[0].increment(k, ttl=60) for _ in range(300)]
    calls += [stores[1].increment(k, ttl=60) for _ in range(20)]
    counts = await asyncio.gather(*calls)
    assert sorted(counts) == list(range(1, 321))


@pytest.mark.parametrize(
    "bad",
    ["", ".a", "a.", "a..b", "a*", "a.>", ">", "a b", "a\tb", "a/b", "ü", "k" * 257, None, 7],
    ids=repr,
)
async def test_invalid_keys_are_refused(make_kv: Factory, bad: Any) -> None:
    kv = await make_kv()
    with pytest.raises(InvalidKey):
        await kv.put(bad, b"x", ttl=60)
    with pytest.raises(InvalidKey):
        await kv.get(bad)
    with pytest.raises(InvalidKey):
        await kv.create(bad, b"x", ttl=60)
    with pytest.raises(InvalidKey):
        await kv.delete(bad)
    with pytest.raises(InvalidKey):
        await kv.increment(bad, ttl=60)


async def test_invalid_values_and_ttls_are_refused(make_kv: Factory) -> None:
    kv = await make_kv(max_ttl=120)
    assert kv.max_ttl == 120
    k = key()
    for ttl in [0, -1, float("nan"), float("inf"), 121, True, "60"]:
        with pytest.raises(InvalidKvValue):
            await kv.put(k, b"x", ttl=ttl)  # type: ignore[arg-type]
    with pytest.raises(InvalidKvValue):
        await kv.put(k, "text", ttl=60)  # type: ignore[arg-type]
    with pytest.raises(InvalidKvValue):
        await kv.put(k, b"x" * (MAX_VALUE_BYTES + 1), ttl=60)
    with pytest.raises(InvalidKvValue):
        await kv.increment(k, by=1.5, ttl=60)  # type: ignore[arg-type]
    assert await kv.get(k) is None
