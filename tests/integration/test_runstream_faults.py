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
