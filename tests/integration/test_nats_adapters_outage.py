"""The NATS-backed adapters when their server dies: a following reader ends with RunStreamUnavailable
instead of waiting forever, writes and KV calls raise their port's Unavailable (the chat engine and
the rate limiter decide what that means), and everything works again after the server is back."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from domain.common.kv import KeyValueUnavailable
from domain.common.runstream import RunEvent, RunStreamUnavailable
from infra.kv.nats import NatsKeyValue
from infra.nats.connection import NatsConnection
from infra.runstream.nats import NatsRunStreams
from tests.support.nats_server import PrivateNats

HANG_GUARD_S = 20.0  # a reader that ends at all passes; this only stops a hang from blocking the suite


@pytest.fixture
async def nats(tmp_path: Path) -> AsyncIterator[tuple[PrivateNats, NatsConnection]]:
    server = PrivateNats(tmp_path / "store")
    server.start()
    connection = NatsConnection(server.url)
    await connection.start()
    yield server, connection
    await connection.stop()
    server.stop()


async def until(condition: Callable[[], bool], what: str) -> None:
    for _ in range(int(HANG_GUARD_S / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


async def test_a_following_reader_ends_when_the_server_dies(nats: tuple[PrivateNats, NatsConnection]) -> None:
    server, connection = nats
    streams = NatsRunStreams(connection)
    await streams.start()
    await streams.append("run1", "delta", {"n": 1})
    seen: list[RunEvent] = []

    async def follow() -> None:
        async for event in streams.read("run1", follow=True):
            seen.append(event)

    reader = asyncio.create_task(follow())
    await until(lambda: bool(seen), "the reader to see the first event")
    server.stop()
    with pytest.raises(RunStreamUnavailable):
        await asyncio.wait_for(reader, HANG_GUARD_S)
    with pytest.raises(RunStreamUnavailable):
        await streams.append("run1", "delta", {"n": 2})
    with pytest.raises(RunStreamUnavailable):
        await streams.status("run1")

    server.start()
    await until(lambda: connection.is_connected, "the reconnect")
    await streams.finish("run1")
    assert [e.kind for e in [e async for e in streams.read("run1")]] == ["delta", "done"]


async def test_kv_calls_raise_unavailable_while_down_and_work_after(
    nats: tuple[PrivateNats, NatsConnection],
) -> None:
    server, connection = nats
    kv = NatsKeyValue(connection, bucket="outage")
    await kv.start()
    await kv.put("a", b"1", ttl=60)
    server.stop()
    for call in (kv.get("a"), kv.put("b", b"2", ttl=60), kv.increment("c", ttl=60), kv.delete("a")):
        with pytest.raises(KeyValueUnavailable) as failure:
            await call
        assert failure.value.retry_after >= 1
    assert connection.breaker.fast_failures >= 3  # the first may still meet the dying connection
    server.start()
    await until(lambda: connection.is_connected, "the reconnect")
    entry = await kv.get("a")
    assert entry is not None and entry.value == b"1"
    assert await kv.increment("c", ttl=60) == 1
