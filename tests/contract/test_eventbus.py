"""The event bus contract, run against every adapter: in-process (SQLite, MariaDB) and NATS JetStream."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from application.common.actor import Actor
from application.system.dead_letters import DeadLetterService
from domain.common.errors import InvalidInput
from domain.common.eventbus import Consumer, DeadLetterNotFound, Event, Listener
from infra.eventbus.book import SubscriptionBook
from infra.persistence.eventbus import SqlDeadLetterRepository
from infra.persistence.outbox import OutboxRow
from tests.support.databases import migrated_database
from tests.support.eventbus import BusHarness, Recorder, ThingHappened, wait_for
from tests.support.permission import Permissions
from tests.support.servers import server_url

TOPIC = "test.thing_happened"

ADAPTERS = [
    pytest.param(("inprocess", "sqlite"), id="inprocess-sqlite"),
    pytest.param(("inprocess", "mysql"), id="inprocess-mysql", marks=pytest.mark.mysql),
    pytest.param(("nats", "sqlite"), id="nats-sqlite"),
]


@pytest.fixture(params=ADAPTERS)
def bus_target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str, str | None]]:
    """(adapter, migrated database URL, NATS URL); sync because the migration runs its own loop."""
    adapter, db_kind = request.param
    nats_url = server_url("COZEPLUS_TEST_NATS_URL") if adapter == "nats" else None
    with migrated_database(db_kind, tmp_path) as url:
        yield adapter, url, nats_url


@pytest.fixture
async def harness(bus_target: tuple[str, str, str | None]) -> AsyncIterator[BusHarness]:
    h = BusHarness(*bus_target)
    await h.create_effect_table()
    try:
        yield h
    finally:
        await h.stop()


ADMIN = Actor(user_id=1, is_superuser=True)


def dead_letters(h: BusHarness) -> DeadLetterService:
    assert h.bus is not None
    return DeadLetterService(h.uow, SqlDeadLetterRepository(), h.bus, h.clock, Permissions().checker)


async def test_every_group_gets_every_event_once(harness: BusHarness) -> None:
    a = harness.consume(TOPIC, "alpha", harness.recorder("alpha"))
    b = harness.consume(TOPIC, "beta", harness.recorder("beta"))
    other = harness.consume("test.other_thing", "alpha", harness.recorder("alpha"))
    bus = await harness.start(relay=False)
    for n in range(5):
        await bus.publish(TOPIC, {"n": n}, f"evt-{n}")
    await bus.publish("test.other_thing", {"n": 99}, "other-1")
    # Repeats of published ids, then a barrier event: once the barrier is handled, anything
    # delivered before it has been handled too (each group consumes in order).
    for n in range(5):
        await bus.publish(TOPIC, {"n": n}, f"evt-{n}")
    await bus.publish(TOPIC, {"n": -1}, "barrier")

    async def both_saw_barrier() -> bool:
        return [(await harness.effects(g))["barrier"] for g in ("alpha", "beta")] == [1, 1]

    await wait_for(both_saw_barrier, "the barrier in both groups")
    expected = {f"evt-{n}": 1 for n in range(5)} | {"barrier": 1}
    assert dict(a.call_counts()) == expected
    assert dict(b.call_counts()) == expected
    assert [e.payload["n"] for e in a.calls] == [0, 1, 2, 3, 4, -1]
    assert a.calls[0].topic == TOPIC
    assert a.calls[0].attempt == 1
    await wait_for(lambda: _count(other) == 1, "the other topic's event")
    assert other.calls[0].payload == {"n": 99}
    assert await harness.effects("beta") == {**expected}


def _count(recorder: Recorder) -> int:
    return len(recorder.calls)


async def test_failed_attempts_are_retried_and_their_writes_rolled_back(harness: BusHarness) -> None:
    flaky = harness.consume(TOPIC, "flaky", harness.recorder("flaky", fail_attempts={1, 2}))
    bus = await harness.start(relay=False)
    await bus.publish(TOPIC, {"n": 1}, "retry-me")

    async def done() -> bool:
        return (await harness.effects("flaky"))["retry-me"] == 1

    await wait_for(done, "the third attempt to commit")
    assert [e.attempt for e in flaky.calls] == [1, 2, 3]
    # The failed attempts wrote effect rows too, but those rolled back with the handler.
    assert await harness.effects("flaky") == {"retry-me": 1}
    assert (await dead_letters(harness).list(ADMIN)).items == []


async def test_poison_event_is_dead_lettered_then_replayed_to_its_group_only(harness: BusHarness) -> None:
    poison = harness.consume(TOPIC, "fragile", harness.recorder("fragile", always_fail=True), max_attempts=3)
    healthy = harness.consume(TOPIC, "sturdy", harness.recorder("sturdy"))
    bus = await harness.start(relay=False)
    await bus.publish(TOPIC, {"n": 13}, "poison-1")
    service = dead_letters(harness)

    async def dead_lettered() -> bool:
        return len((await service.list(ADMIN, group="fragile")).items) == 1

    await wait_for(dead_lettered, "a dead letter for group fragile")
    [letter] = (await service.list(ADMIN)).items
    assert (letter.group, letter.topic, letter.dedupe_id, letter.payload) == (
        "fragile",
        TOPIC,
        "poison-1",
        {"n": 13},
    )
    assert letter.attempts == 3
    assert "handler refuses attempt 3" in letter.error
    assert letter.replayed_at is None
    assert letter.replay_count == 0
    assert [e.attempt for e in poison.calls] == [1, 2, 3]
    assert await harness.effects("fragile") == {}

    poison.always_fail = False  # the bug is fixed; replay it
    replayed = await service.replay(ADMIN, letter.id)
    assert replayed.replay_count == 1
    assert replayed.replayed_at is not None

    async def handled() -> bool:
        return (await harness.effects("fragile"))["poison-1"] == 1

    await wait_for(handled, "the replayed event to be handled")
    await bus.publish(TOPIC, {"n": 0}, "barrier")
    await wait_for(lambda: _has(healthy, "barrier"), "the barrier in the healthy group")
    assert healthy.call_counts() == {"poison-1": 1, "barrier": 1}  # the replay went to 'fragile' only
    assert (await service.list(ADMIN, group="sturdy")).items == []
    with pytest.raises(DeadLetterNotFound):
        await service.replay(ADMIN, 123456789)


def _has(recorder: Recorder, dedupe_id: str) -> bool:
    return any(e.dedupe_id == dedupe_id for e in recorder.calls)


async def test_outbox_relay_publishes_committed_events_in_order(harness: BusHarness) -> None:
    seen = harness.consume(TOPIC, "reader", harness.recorder("reader"))
    await harness.start()
    await harness.record(*(ThingHappened(n=n) for n in range(10)))
    async with harness.uow() as uow:  # rolled back: its event must never be published
        uow.record(ThingHappened(n=666))
    await harness.record(*(ThingHappened(n=n) for n in range(10, 20)))

    await wait_for(lambda: _calls_at_least(seen, 20), "20 relayed events")
    assert [e.payload["n"] for e in seen.calls] == list(range(20))
    async with harness.db.engine.connect() as conn:
        rows = (
            await conn.execute(select(OutboxRow.dedupe_id, OutboxRow.published_at).order_by(OutboxRow.id))
        ).all()
    assert [r.dedupe_id for r in rows] == [e.dedupe_id for e in seen.calls]
    assert all(r.published_at is not None for r in rows)
    assert harness.relay is not None
    assert await harness.relay.backlog() == 0


def _calls_at_least(recorder: Recorder, n: int) -> bool:
    return len(recorder.calls) >= n


async def test_events_recorded_by_a_handler_commit_with_it(harness: BusHarness) -> None:
    async def emit_follow_up(event: Event) -> None:
        if event.payload["n"] < 100:
            async with harness.uow() as uow:  # joins the delivery's transaction
                uow.record(ThingHappened(n=event.payload["n"] + 100))
                await uow.commit()

    chain = harness.consume(TOPIC, "chain", harness.recorder("chain", after=emit_follow_up))
    await harness.start()
    await harness.record(ThingHappened(n=1))
    await wait_for(lambda: _calls_at_least(chain, 2), "the follow-up event")
    assert [e.payload["n"] for e in chain.calls] == [1, 101]


async def test_bad_names_are_refused(harness: BusHarness) -> None:
    async def noop(event: Event) -> None:
        return None

    for group in ("with-dash", "with.dot", "", "UPPER", "x" * 49):
        with pytest.raises(InvalidInput):
            Consumer(topic=TOPIC, group=group, handler=noop)
    bus = await harness.start(relay=False)
    for topic in ("a.>", "a.*", "a..b", "A.b", "a b", "", "a." * 40):
        with pytest.raises(InvalidInput):
            await bus.publish(topic, {}, "ok-id")
    for dedupe_id in ("", "has space", "x" * 65, "semi;colon"):
        with pytest.raises(InvalidInput):
            await bus.publish(TOPIC, {}, dedupe_id)
    with pytest.raises(InvalidInput):
        await dead_letters(harness).list(ADMIN, group="bad-group")


async def test_readiness_names_the_adapter(harness: BusHarness) -> None:
    bus = await harness.start(relay=False)
    ok, detail = await bus.check()
    assert ok, detail
    assert bus.adapter == ("nats-jetstream" if harness.adapter == "nats" else "inprocess")


async def test_listeners_hear_events_per_process_beside_consumer_groups(harness: BusHarness) -> None:
    """A Listener (for caches) hears each committed event in its process; consumer groups still get theirs."""
    heard: list[dict[str, object]] = []

    async def hear(event: Event) -> None:
        heard.append(event.payload)

    async def broken(event: Event) -> None:
        raise RuntimeError("a failing listener must not silence the others")

    harness.listeners += [Listener(TOPIC, broken), Listener(TOPIC, hear)]
    group = harness.consume(TOPIC, "alpha", harness.recorder("alpha"))
    await harness.start()
    await harness.record(ThingHappened(n=1), ThingHappened(n=2))
    await harness.record(ThingHappened(n=3))
    await wait_for(lambda: len(heard) >= 3, "three events heard")
    await wait_for(lambda: _count(group) >= 3, "three events consumed")
    await asyncio.sleep(0.3)  # nothing is heard twice
    assert sorted(p["n"] for p in heard) == [1, 2, 3]  # type: ignore[type-var]
    with pytest.raises(RuntimeError):
        harness.bus.listen(Listener(TOPIC, hear))  # type: ignore[union-attr]  # only before start()


async def test_subscriptions_close_at_start_and_a_group_consumes_a_topic_once(harness: BusHarness) -> None:
    harness.consume(TOPIC, "alpha", harness.recorder("alpha"))
    harness.consume(TOPIC, "alpha", harness.recorder("alpha"))
    with pytest.raises(ValueError, match="already consumes"):
        harness.build_bus()
    harness.consumers.pop()
    bus = await harness.start(relay=False)
    assert isinstance(bus, SubscriptionBook)
    assert [(c.group, c.topic) for c in bus.consumers] == [("alpha", TOPIC)]
    with pytest.raises(RuntimeError, match="after start"):
        bus.subscribe(Consumer(topic="test.other_thing", group="beta", handler=harness.recorder("beta")))
    with pytest.raises(RuntimeError, match="after start"):
        bus.listen(Listener(topic=TOPIC, handler=harness.recorder("gamma")))
