"""The NATS run-stream adapter when its server dies (SIGKILL) or stalls (SIGSTOP): every call —
append, finish, status, a read and a read already tailing — raises the port's RunStreamUnavailable
(never a nats-py error, never a hang), and the same adapter works again once the server is back."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from domain.common.runstream import RunEvent, RunStreamUnavailable
from infra.nats.connection import NatsConnection
from infra.runstream.nats import NatsRunStreams
from tests.support.nats_server import PrivateNats

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[PrivateNats]:
    nats = PrivateNats(tmp_path / "store")
    nats.start()
    yield nats
    nats.stop()


async def _next(reader: AsyncIterator[RunEvent]) -> RunEvent:
    return await anext(reader)


@pytest.mark.parametrize("kind", ["kill", "stall"])
async def test_calls_raise_unavailable_and_recover(server: PrivateNats, kind: str) -> None:
    connection = NatsConnection(server.url, call_timeout=0.5)
    await connection.start()
    streams = NatsRunStreams(connection, idle_check=0.3)
    await streams.start()
    try:
        await streams.append("r1", "delta", {"i": 0})
        tail = streams.read("r1", after=1)  # tailing, nothing new yet
        pending = asyncio.ensure_future(_next(tail))
        await asyncio.sleep(0.3)  # the consumer is set up and waiting

        server.kill() if kind == "kill" else server.pause()
        try:
            for call in (
                streams.append("r1", "delta", {"i": 1}),
                streams.finish("r1"),
                streams.status("r1"),
                _next(streams.read("r1")),
            ):
                with pytest.raises(RunStreamUnavailable) as caught:
                    await call
                assert caught.value.service == "NATS"
            with pytest.raises(RunStreamUnavailable):
                await pending  # the tail notices at its next idle check
        finally:
            server.start() if kind == "kill" else server.resume()

        async with asyncio.timeout(30):
            while True:  # until reconnected (a stalled server answers what it had buffered first)
                try:
                    await streams.append("r2", "delta", {"i": 2})
                    break
                except RunStreamUnavailable:
                    await asyncio.sleep(0.1)
            await streams.finish("r2")
            assert [e.kind async for e in streams.read("r2")] == ["delta", "done"]
    finally:
        await connection.stop()


async def test_readiness_and_the_breaker_agree_after_a_stall(server: PrivateNats) -> None:
    """SIGSTOP then SIGCONT: the connection never drops, so no reconnect callback closes the breaker
    the stall opened. Readiness asks the server itself; once it says the run streams are ready, calls
    go through at once, not only after the breaker's reset window (here longer than the test)."""
    connection = NatsConnection(server.url, call_timeout=0.5, probe_after=600)
    await connection.start()
    streams = NatsRunStreams(connection)
    await streams.start()
    try:
        await streams.append("r1", "delta", {"i": 0})
        server.pause()
        try:
            with pytest.raises(RunStreamUnavailable):
                await streams.append("r1", "delta", {"i": 1})
            assert connection.is_connected  # stalled, not dropped
            assert not (await streams.check())[0]
            assert not (await connection.check())[0]
        finally:
            server.resume()

        async with asyncio.timeout(30):
            while True:  # as a load balancer polls /readyz
                ready, _ = await streams.check()
                if ready:
                    break
                await asyncio.sleep(0.1)
        assert connection.breaker.state == "closed"
        await streams.append("r1", "delta", {"i": 2})  # no retry: readiness said so
        assert (await streams.status("r1")) is not None
    finally:
        await connection.stop()
