"""Event bus harness for tests: a bus of either adapter over a real database, plus recording handlers."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import ClassVar

from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, func, insert, select

from domain.common.eventbus import Consumer, Event, EventBus, Listener
from domain.common.events import DomainEvent
from infra.clock import SystemClock
from infra.eventbus.delivery import DeliveryRunner, RetryPolicy
from infra.eventbus.inprocess import InProcessEventBus
from infra.eventbus.nats import NatsEventBus
from infra.eventbus.relay import OutboxRelay
from infra.idgen import SnowflakeIds
from infra.nats.connection import NatsConnection
from infra.persistence.database import Database
from infra.persistence.uow import SqlUnitOfWorkFactory, current_session

TEST_ACK_WAIT_S = 2.0
WAIT_S = 20.0  # a deadline for conditions to become true, not a measurement

test_metadata = MetaData()
# A table the test handlers write to, so tests can see which effects were committed.
effect_table = Table(
    "test_event_effect",
    test_metadata,
    Column("id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=False),
    Column("group_name", String(48), nullable=False),
    Column("dedupe_id", String(64), nullable=False),
    Column("attempt", Integer, nullable=False),
)


@dataclass(frozen=True, slots=True)
class ThingHappened(DomainEvent):
    topic: ClassVar[str] = "test.thing_happened"

    n: int


async def wait_for(
    condition: Callable[[], Awaitable[bool] | bool], what: str, seconds: float = WAIT_S
) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        result = condition()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for: {what}")
        await asyncio.sleep(0.02)


@dataclass
class Recorder:
    """A handler that writes an effect row in the delivery's transaction and remembers each call."""

    group: str
    ids: SnowflakeIds
    fail_attempts: set[int] = field(default_factory=set)  # raise on these attempt numbers
    always_fail: bool = False
    calls: list[Event] = field(default_factory=list)
    after: Callable[[Event], Awaitable[None]] | None = None

    async def __call__(self, event: Event) -> None:
        self.calls.append(event)
        await current_session().execute(
            insert(effect_table).values(
                id=self.ids.next_id(), group_name=self.group, dedupe_id=event.dedupe_id, attempt=event.attempt
            )
        )
        if self.after is not None:
            await self.after(event)
        if self.always_fail or event.attempt in self.fail_attempts:
            raise RuntimeError(f"handler refuses attempt {event.attempt}")

    def call_counts(self) -> Counter[str]:
        return Counter(e.dedupe_id for e in self.calls)


class BusHarness:
    def __init__(self, adapter: str, database_url: str, nats_url: str | None = None) -> None:
        self.adapter = adapter
        self.db = Database(database_url)
        self.ids = SnowflakeIds(worker_id=7)
        self.clock = SystemClock()
        self.uow = SqlUnitOfWorkFactory(self.db, self.ids, self.clock)
        self.runner = DeliveryRunner(
            self.db, self.uow, self.ids, self.clock, retry=RetryPolicy(base_s=0.05, max_s=0.2), max_attempts=5
        )
        self.nats_url = nats_url
        tag = uuid.uuid4().hex[:10]
        self.stream = f"T_{tag}"
        self.prefix = f"test_{tag}.events"
        self.consumers: list[Consumer] = []
        self.listeners: list[Listener] = []
        self.bus: EventBus | None = None
        self.relay: OutboxRelay | None = None
        self.nats: NatsConnection | None = None

    async def create_effect_table(self) -> None:
        async with self.db.engine.begin() as conn:
            await conn.run_sync(test_metadata.create_all)

    def recorder(self, group: str, **kwargs: object) -> Recorder:
        return Recorder(group=group, ids=self.ids, **kwargs)  # type: ignore[arg-type]

    def consume(self, topic: str, group: str, handler: Recorder, max_attempts: int | None = None) -> Recorder:
        self.consumers.append(Consumer(topic=topic, group=group, handler=handler, max_attempts=max_attempts))
        return handler

    def build_bus(self) -> EventBus:
        if self.adapter == "nats":
            assert self.nats_url is not None
            self.nats = NatsConnection(self.nats_url)
            return NatsEventBus(
                self.nats,
                self.runner,
                stream=self.stream,
                subject_prefix=self.prefix,
                ack_wait_s=TEST_ACK_WAIT_S,
                max_age_s=600,
                consumers=self.consumers,
                listeners=self.listeners,
                publish_timeout_s=1.0,
            )
        return InProcessEventBus(
            self.db,
            self.runner,
            self.ids,
            self.clock,
            ack_wait_s=TEST_ACK_WAIT_S,
            poll_interval_s=0.05,
            consumers=self.consumers,
            listeners=self.listeners,
        )

    async def start(self, relay: bool = True) -> EventBus:
        self.bus = self.build_bus()
        if self.nats is not None:
            await self.nats.start()
        await self.bus.start()
        if relay:
            self.relay = OutboxRelay(
                self.db,
                self.bus,
                self.clock,
                poll_interval_s=0.05,
                lease_ttl_s=5,
                max_backoff_s=0.5,
                retention=timedelta(days=1),
            )
            await self.relay.start()
        return self.bus

    async def stop(self) -> None:
        if self.relay is not None:
            await self.relay.stop()
        if self.nats is not None:  # the test stream lives on a shared server: remove it
            with contextlib.suppress(Exception):
                await self.nats.jetstream().delete_stream(self.stream)
        if self.bus is not None:
            await self.bus.stop()
        if self.nats is not None:
            await self.nats.stop()
        await self.db.dispose()

    async def record(self, *events: DomainEvent) -> None:
        async with self.uow() as uow:
            for event in events:
                uow.record(event)
            await uow.commit()

    async def effects(self, group: str) -> Counter[str]:
        async with self.db.engine.connect() as conn:
            rows = await conn.execute(
                select(effect_table.c.dedupe_id, func.count())
                .where(effect_table.c.group_name == group)
                .group_by(effect_table.c.dedupe_id)
            )
            return Counter({r[0]: int(r[1]) for r in rows})
