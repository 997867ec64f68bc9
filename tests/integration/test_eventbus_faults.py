"""Faults: NATS stopped while the outbox fills up, and a worker killed while handling a message."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from infra.persistence.outbox import OutboxRow
from tests.support.databases import migrated_database
from tests.support.eventbus import BusHarness, ThingHappened, wait_for
from tests.support.nats_server import PrivateNats
from tests.support.servers import server_url

TOPIC = ThingHappened.topic
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def sqlite_url(tmp_path: Path) -> Iterator[str]:
    with migrated_database("sqlite", tmp_path) as url:
        yield url


async def _failed_publish_attempts(h: BusHarness) -> int:
    async with h.db.engine.connect() as conn:
        total = await conn.execute(select(func.coalesce(func.sum(OutboxRow.attempts), 0)))
        return int(total.scalar_one())


async def test_nats_restart_with_pending_outbox_delivers_each_event_once_per_group(
    sqlite_url: str, tmp_path: Path
) -> None:
    server = PrivateNats(tmp_path / "nats-store")
    server.start()
    h = BusHarness("nats", sqlite_url, server.url)
    await h.create_effect_table()
    first = h.consume(TOPIC, "first", h.recorder("first"))
    second = h.consume(TOPIC, "second", h.recorder("second"))
    try:
        await h.start()
        await h.record(*(ThingHappened(n=n) for n in range(5)))
        await wait_for(lambda: len(first.calls) == 5 and len(second.calls) == 5, "5 events before the stop")

        server.stop()
        await h.record(*(ThingHappened(n=n) for n in range(5, 25)))
        await wait_for(lambda: _failed_publish_attempts(h), "the relay to fail against the stopped server")
        assert h.relay is not None
        assert await h.relay.backlog() == 20
        assert h.bus is not None
        assert (await h.bus.check())[0] is False

        server.start()  # same port, same store: the stream and the durable consumers survive
        await wait_for(
            lambda: len(first.calls) >= 25 and len(second.calls) >= 25, "all 25 events after restart"
        )
        await asyncio.sleep(0.3)  # let stray redeliveries, if any, show up before counting
        for group, recorder in (("first", first), ("second", second)):
            effects = await h.effects(group)
            assert len(effects) == 25, group
            assert set(effects.values()) == {1}, group
            assert set(recorder.call_counts().values()) == {1}, group
        assert sorted(e.payload["n"] for e in first.calls) == list(range(25))
        assert await h.relay.backlog() == 0
        await wait_for(lambda: _bus_ready(h), "readiness to recover")
    finally:
        await h.stop()
        server.stop()


async def _bus_ready(h: BusHarness) -> bool:
    assert h.bus is not None
    return (await h.bus.check())[0]


@pytest.mark.parametrize("adapter", ["inprocess", "nats"])
async def test_worker_killed_mid_message_is_redelivered_and_processed_once(
    adapter: str, sqlite_url: str, tmp_path: Path
) -> None:
    nats_url = server_url("COZEPLUS_TEST_NATS_URL") if adapter == "nats" else None
    h = BusHarness(adapter, sqlite_url, nats_url)
    await h.create_effect_table()
    markers = tmp_path / "markers"
    markers.mkdir()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        "COZEPLUS_DATA_DIR": str(tmp_path / "data"),
        "COZEPLUS_DATABASE_URL": sqlite_url,
        "COZEPLUS_EVENTBUS_URL": nats_url or "inprocess",
        "COZEPLUS_EVENTBUS_STREAM": h.stream,
        "COZEPLUS_EVENTBUS_SUBJECT_PREFIX": h.prefix,
        "COZEPLUS_EVENTBUS_ACK_WAIT_S": "2",
        "COZEPLUS_EVENTBUS_POLL_INTERVAL_S": "0.05",
        "COZEPLUS_EVENTBUS_RETRY_BASE_S": "0.05",
    }
    await h.record(ThingHappened(n=42))  # the worker's relay publishes it once its consumer exists
    worker = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.support.eventbus_worker", str(markers),
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        await wait_for(
            lambda: (markers / "started").exists() or worker.returncode is not None,
            "the worker to take the message",
            seconds=60,
        )
        assert worker.returncode is None, "worker exited early"
        dedupe_id = (markers / "started").read_text()
        os.kill(worker.pid, signal.SIGKILL)
        await asyncio.wait_for(worker.wait(), 10)
        assert await h.effects("crashy") == {}  # the killed attempt's write never committed

        takeover = h.consume(TOPIC, "crashy", h.recorder("crashy"))
        await h.start(relay=False)
        await wait_for(lambda: len(takeover.calls) >= 1, "the redelivery")
        await wait_for(lambda: _effects_of(h, "crashy", dedupe_id), "the redelivery to commit")
        assert [e.attempt for e in takeover.calls] == [2]
        assert await h.effects("crashy") == {dedupe_id: 1}
    finally:
        if worker.returncode is None:
            os.killpg(worker.pid, signal.SIGKILL)
            await asyncio.wait_for(worker.wait(), 10)
        await h.stop()


async def _effects_of(h: BusHarness, group: str, dedupe_id: str) -> bool:
    return (await h.effects(group))[dedupe_id] == 1
