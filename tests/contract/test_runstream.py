"""Contract of the RunStreams port, run against the in-process ring buffer and NATS JetStream."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from domain.common.runstream import (
    MAX_EVENT_BYTES,
    InvalidRunEvent,
    InvalidRunId,
    RunAlreadyFinished,
    RunEvent,
    RunNotFound,
    RunStreams,
)
from infra.nats.connection import NatsConnection
from infra.runstream.inprocess import InProcessRunStreams
from infra.runstream.nats import NatsRunStreams
from tests.support.servers import server_url

NATS_ENV = "COZEPLUS_TEST_NATS_URL"
WAIT_S = 15.0  # upper bound for things that must happen eventually (expiry, delivery)

# (ttl, max_events, idle_check) -> a store; a second call with `peer=True` gives another "process".
Factory = Callable[..., Awaitable[RunStreams]]


@pytest.fixture(params=["inprocess", pytest.param("nats", marks=pytest.mark.nats)])
async def make_streams(request: pytest.FixtureRequest) -> AsyncIterator[Factory]:
    kind = request.param
    cleanups: list[Callable[[], Awaitable[None]]] = []
    if kind == "inprocess":
        shared: dict[str, InProcessRunStreams] = {}

        async def make_inprocess(ttl: float = 60.0, max_events: int = 1000, peer: bool = False) -> RunStreams:
            # One process holds one store; a "peer" reader in the same process shares it.
            if peer and "store" in shared:
                return shared["store"]
            store = InProcessRunStreams(ttl=ttl, max_events=max_events)
            await store.start()
            cleanups.append(store.stop)
            shared["store"] = store
            return store

        yield make_inprocess
    else:
        url = server_url(NATS_ENV)
        tag = uuid.uuid4().hex[:10]
        stream, prefix = f"CPT_RUNS_{tag}", f"cpt.{tag}.runs"

        async def make_nats(ttl: float = 60.0, max_events: int = 1000, peer: bool = False) -> RunStreams:
            # Every call opens its own connection, as a separate API process would.
            connection = NatsConnection(url, client_name=f"cozeplus-test-{tag}")
            await connection.start()
            cleanups.append(connection.stop)
            store = NatsRunStreams(
                connection,
                stream=stream,
                subject_prefix=prefix,
                ttl=ttl,
                max_events=max_events,
                idle_check=0.2,
            )
            await store.start()
            return store

        async def drop_stream() -> None:
            connection = NatsConnection(url)
            await connection.start()
            with contextlib.suppress(Exception):  # the test may never have created it
                await connection.jetstream().delete_stream(stream)
            await connection.stop()

        cleanups.append(drop_stream)
        yield make_nats
    for cleanup in reversed(cleanups):
        await cleanup()


def run_id() -> str:
    return f"run-{uuid.uuid4().hex[:12]}"


async def collect(events: AsyncIterator[RunEvent]) -> list[RunEvent]:
    return [e async for e in events]


async def eventually(probe: Callable[[], Awaitable[bool]]) -> None:
    """Poll until `probe` holds (expiry has no notification to wait on); fail after WAIT_S."""
    async with asyncio.timeout(WAIT_S):
        while not await probe():  # noqa: ASYNC110
            await asyncio.sleep(0.05)


async def test_append_and_read_from_start_and_middle(make_streams: Factory) -> None:
    streams = await make_streams()
    rid = run_id()
    offsets = [await streams.append(rid, "message.delta", {"i": i, "text": f"片段 {i}"}) for i in range(6)]
    assert offsets == sorted(offsets)
    assert len(set(offsets)) == 6
    assert offsets[0] > 0

    everything = await collect(streams.read(rid, follow=False))
    assert [e.offset for e in everything] == offsets
    assert [e.data for e in everything] == [{"i": i, "text": f"片段 {i}"} for i in range(6)]
    assert {e.kind for e in everything} == {"message.delta"}
    assert not any(e.final for e in everything)

    rest = await collect(streams.read(rid, after=offsets[2], follow=False))
    assert [e.data["i"] for e in rest] == [3, 4, 5]
    assert await collect(streams.read(rid, after=offsets[-1], follow=False)) == []

    status = await streams.status(rid)
    assert status is not None
    assert (status.last_offset, status.finished) == (offsets[-1], False)


async def test_live_tail_receives_later_events_until_finished(make_streams: Factory) -> None:
    streams = await make_streams()
    rid = run_id()
    first = await streams.append(rid, "run.created", {})
    received: list[RunEvent] = []
    started = asyncio.Event()

    async def tail() -> None:
        async for event in streams.read(rid):
            received.append(event)
            started.set()

    reader = asyncio.create_task(tail())
    async with asyncio.timeout(WAIT_S):
        await started.wait()
    for i in range(3):
        await streams.append(rid, "message.delta", {"i": i})
    last = await streams.finish(rid, "done", {"status": "completed"})
    async with asyncio.timeout(WAIT_S):
        await reader  # ends by itself after the terminal event
    assert received[0].offset == first
    assert [e.data.get("i") for e in received[1:4]] == [0, 1, 2]
    assert received[-1] == RunEvent(last, "done", {"status": "completed"}, final=True)


async def test_finished_run_ends_readers_and_refuses_appends(make_streams: Factory) -> None:
    streams = await make_streams()
    rid = run_id()
    await streams.append(rid, "message.delta", {"i": 0})
    await streams.finish(rid)
    # A follower of a finished run gets the whole run and stops instead of waiting.
    async with asyncio.timeout(WAIT_S):
        events = await collect(streams.read(rid))
    assert [e.final for e in events] == [False, True]
    assert events[-1].kind == "done"
    async with asyncio.timeout(WAIT_S):
        assert await collect(streams.read(rid, after=events[-1].offset)) == []
    with pytest.raises(RunAlreadyFinished):
        await streams.append(rid, "message.delta", {"i": 1})
    with pytest.raises(RunAlreadyFinished):
        await streams.finish(rid)
    status = await streams.status(rid)
    assert status is not None
    assert status.finished


async def test_another_process_replays_and_tails_the_same_run(make_streams: Factory) -> None:
    writer = await make_streams()
    reader = await make_streams(peer=True)
    rid = run_id()
    await writer.append(rid, "a", {"n": 1})
    received: list[RunEvent] = []
    first_seen = asyncio.Event()

    async def tail() -> None:
        async for event in reader.read(rid):
            received.append(event)
            first_seen.set()

    task = asyncio.create_task(tail())
    async with asyncio.timeout(WAIT_S):
        await first_seen.wait()
    await writer.append(rid, "b", {"n": 2})
    await writer.finish(rid)
    async with asyncio.timeout(WAIT_S):
        await task
    assert [e.kind for e in received] == ["a", "b", "done"]
    # The reader's process can write too, and the writer's process sees it is finished.
    with pytest.raises(RunAlreadyFinished):
        await reader.append(rid, "c", {})


async def test_events_expire_after_ttl(make_streams: Factory) -> None:
    streams = await make_streams(ttl=1.0)
    rid = run_id()
    await streams.append(rid, "a", {})
    assert await streams.status(rid) is not None

    async def gone() -> bool:
        return await streams.status(rid) is None

    await eventually(gone)
    with pytest.raises(RunNotFound):
        await collect(streams.read(rid))


async def test_follower_of_an_abandoned_run_stops_when_it_expires(make_streams: Factory) -> None:
    streams = await make_streams(ttl=1.0)
    rid = run_id()
    await streams.append(rid, "a", {})  # the writer "dies" without finishing
    with pytest.raises(RunNotFound):
        async with asyncio.timeout(WAIT_S):
            await collect(streams.read(rid))


async def test_unknown_run(make_streams: Factory) -> None:
    streams = await make_streams()
    assert await streams.status(run_id()) is None
    with pytest.raises(RunNotFound):
        await collect(streams.read(run_id()))
    with pytest.raises(RunNotFound):
        await collect(streams.read(run_id(), follow=False))


async def test_ring_buffer_keeps_the_newest_events(make_streams: Factory) -> None:
    streams = await make_streams(max_events=5)
    rid = run_id()
    offsets = [await streams.append(rid, "e", {"i": i}) for i in range(8)]
    kept = await collect(streams.read(rid, follow=False))
    assert [e.offset for e in kept] == offsets[3:]


async def test_concurrent_writers_to_different_runs(make_streams: Factory) -> None:
    first, second = await make_streams(), await make_streams(peer=True)
    runs = [run_id() for _ in range(6)]

    async def write(streams: RunStreams, rid: str) -> None:
        for i in range(25):
            await streams.append(rid, "e", {"run": rid, "i": i})
        await streams.finish(rid)

    await asyncio.gather(*(write(first if n % 2 else second, rid) for n, rid in enumerate(runs)))
    for rid in runs:
        events = await collect(first.read(rid, follow=False))
        assert [e.data.get("i") for e in events[:-1]] == list(range(25))
        assert {e.data.get("run") for e in events[:-1]} == {rid}
        assert events[-1].final


async def test_concurrent_writers_to_one_run_are_serialised(make_streams: Factory) -> None:
    first, second = await make_streams(), await make_streams(peer=True)
    rid = run_id()

    async def write(streams: RunStreams, writer: str) -> list[int]:
        return [await streams.append(rid, "e", {"w": writer, "i": i}) for i in range(15)]

    written = await asyncio.gather(write(first, "a"), write(second, "b"), write(first, "c"))
    events = await collect(second.read(rid, follow=False))
    assert len(events) == 45
    assert sorted(o for offsets in written for o in offsets) == [e.offset for e in events]
    for writer in "abc":
        assert [e.data["i"] for e in events if e.data["w"] == writer] == list(range(15))


@pytest.mark.parametrize(
    "bad", ["", "a.b", "a*", ">", "run 1", "run\n1", "x" * 129, "ü", "$run", None, 42], ids=repr
)
async def test_invalid_run_ids_are_refused(make_streams: Factory, bad: Any) -> None:
    streams = await make_streams()
    with pytest.raises(InvalidRunId):
        await streams.append(bad, "e", {})
    with pytest.raises(InvalidRunId):
        streams.read(bad)
    with pytest.raises(InvalidRunId):
        await streams.status(bad)


async def test_invalid_events_are_refused(make_streams: Factory) -> None:
    streams = await make_streams()
    rid = run_id()
    for kind in ["", "a b", "a\r\nX-Injected: 1", "*", "k" * 65, "a..b"]:
        with pytest.raises(InvalidRunEvent):
            await streams.append(rid, kind, {})
    with pytest.raises(InvalidRunEvent):
        await streams.append(rid, "e", {"bad": object()})
    with pytest.raises(InvalidRunEvent):
        await streams.append(rid, "e", {"big": "x" * MAX_EVENT_BYTES})
    with pytest.raises(InvalidRunEvent):
        streams.read(rid, after=-1)
    assert await streams.status(rid) is None  # nothing was written
