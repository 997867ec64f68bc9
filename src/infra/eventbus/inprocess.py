"""In-process event bus over the database: one delivery row per (group, event), polled by local loops.

Nothing is held only in memory: `publish` writes a delivery row for every subscribed group, the
consumer loops claim rows with a visibility timeout, and a row disappears in the same transaction as
the handler's writes. A crash therefore loses nothing (the row becomes visible again after
`ack_wait`), which gives the same at-least-once guarantees as JetStream on the embedded SQLite default.
Several processes sharing one database share the work, like JetStream pull consumers.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import structlog
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from domain.common.eventbus import (
    Consumer,
    Event,
    Listener,
    checked_dedupe_id,
    checked_group,
    checked_topic,
)
from domain.common.ports import Clock, IdGenerator
from infra.eventbus.book import SubscriptionBook
from infra.eventbus.delivery import DeliveryRunner, Outcome
from infra.eventbus.outbox_tail import OutboxTail
from infra.persistence.database import Database
from infra.persistence.eventbus import DeliveryRow, short_error
from infra.persistence.uow import current_session

log = structlog.get_logger("cozeplus.eventbus")


class InProcessEventBus(SubscriptionBook):
    name = "eventbus"
    adapter = "inprocess"

    def __init__(
        self,
        db: Database,
        runner: DeliveryRunner,
        ids: IdGenerator,
        clock: Clock,
        *,
        ack_wait_s: float = 30.0,
        poll_interval_s: float = 0.5,
        batch_size: int = 100,
        consumers: Sequence[Consumer] = (),
        listeners: Sequence[Listener] = (),
    ) -> None:
        super().__init__(runner, batch_size, consumers, listeners)
        self._db = db
        self._ids = ids
        self._clock = clock
        self._ack_wait = timedelta(seconds=ack_wait_s)
        self._poll = poll_interval_s
        self._owner = uuid.uuid4().hex
        self._wake: dict[tuple[str, str], asyncio.Event] = {}
        self._tail: OutboxTail | None = None

    # ------------------------------------------------------------ publishing

    async def publish(self, topic: str, payload: dict[str, Any], dedupe_id: str) -> None:
        await self.publish_batch([Event(topic, payload, dedupe_id)])

    async def publish_batch(self, events: Sequence[Event]) -> None:
        rows = [(c.group, e) for e in events for c in self._consumers if c.topic == checked_topic(e.topic)]
        await self._insert(rows)

    async def redeliver(self, group: str, event: Event) -> None:
        checked_group(group)
        await self._insert([(group, event)])

    async def _insert(self, rows: Sequence[tuple[str, Event]]) -> None:
        if not rows:
            return
        now = self._clock.now()
        values = [
            {
                "id": self._ids.next_id(),
                "group_name": group,
                "topic": e.topic,
                "dedupe_id": checked_dedupe_id(e.dedupe_id),
                "payload": e.payload,
                "attempts": 0,
                "visible_at": now,
                "claimed_by": None,
                "last_error": None,
                "created_at": now,
            }
            for group, e in rows
        ]
        try:
            async with self._db.engine.begin() as conn:
                await conn.execute(insert(DeliveryRow), values)
        except IntegrityError:
            # Some (group, dedupe id) is already pending: that one is a duplicate. Insert one by one.
            for value in values:
                with contextlib.suppress(IntegrityError):
                    async with self._db.engine.begin() as conn:
                        await conn.execute(insert(DeliveryRow).values(**value))
        for group, e in rows:
            wake = self._wake.get((group, e.topic))
            if wake is not None:
                wake.set()

    # ------------------------------------------------------------ consuming

    async def start(self) -> None:
        self._started = True
        self._stopping.clear()
        if self._listeners:
            self._tail = OutboxTail(self._db, self._listeners, self._poll)
            await self._tail.start()
        for consumer in self._consumers:
            self._wake[(consumer.group, consumer.topic)] = asyncio.Event()
            self._tasks.append(
                asyncio.create_task(
                    self._consume(consumer), name=f"eventbus-{consumer.group}-{consumer.topic}"
                )
            )

    async def stop(self) -> None:
        self._stopping.set()
        if self._tail is not None:
            await self._tail.stop()
            self._tail = None
        for wake in self._wake.values():
            wake.set()
        await self._stop_loops()
        self._started = False

    async def _consume(self, consumer: Consumer) -> None:
        wake = self._wake[(consumer.group, consumer.topic)]
        while not self._stopping.is_set():
            try:
                claimed = await self._claim(consumer)
            except Exception as exc:  # database hiccup: keep the loop alive
                log.warning("eventbus_claim_failed", group=consumer.group, error=short_error(exc)[:300])
                claimed = []
            for index, (row_id, event) in enumerate(claimed):
                if self._stopping.is_set():
                    await self._release([row for row, _ in claimed[index:]])
                    return
                await self._deliver(consumer, row_id, event)
            if len(claimed) < self._batch and not self._stopping.is_set():
                wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), self._poll)

    async def _claim(self, consumer: Consumer) -> list[tuple[int, Event]]:
        now = self._clock.now()
        async with self._db.engine.begin() as conn:
            due = (
                await conn.execute(
                    select(DeliveryRow.id, DeliveryRow.dedupe_id, DeliveryRow.payload, DeliveryRow.attempts)
                    .where(
                        DeliveryRow.group_name == consumer.group,
                        DeliveryRow.topic == consumer.topic,
                        DeliveryRow.visible_at <= now,
                    )
                    .order_by(DeliveryRow.id)
                    .limit(self._batch)
                )
            ).all()
            claimed: list[tuple[int, Event]] = []
            for row in due:
                # Conditional update: of two processes racing for a row, exactly one sees rowcount 1.
                result = await conn.execute(
                    update(DeliveryRow)
                    .where(DeliveryRow.id == row.id, DeliveryRow.attempts == row.attempts)
                    .values(
                        attempts=row.attempts + 1, visible_at=now + self._ack_wait, claimed_by=self._owner
                    )
                )
                if result.rowcount == 1:
                    event = Event(consumer.topic, row.payload, row.dedupe_id, attempt=row.attempts + 1)
                    claimed.append((row.id, event))
        return claimed

    async def _release(self, row_ids: list[int]) -> None:
        """Give back claimed rows we will not handle (shutting down), without counting an attempt."""
        with contextlib.suppress(Exception):
            async with self._db.engine.begin() as conn:
                await conn.execute(
                    update(DeliveryRow)
                    .where(DeliveryRow.id.in_(row_ids), DeliveryRow.claimed_by == self._owner)
                    .values(visible_at=self._clock.now(), claimed_by=None, attempts=DeliveryRow.attempts - 1)
                )

    async def _deliver(self, consumer: Consumer, row_id: int, event: Event) -> None:
        heartbeat = asyncio.create_task(self._keep_claim(row_id))

        async def delete_in_txn() -> None:
            await current_session().execute(delete(DeliveryRow).where(DeliveryRow.id == row_id))

        try:
            outcome = await self._runner.run(consumer, event, also=delete_in_txn)
        finally:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat
        if outcome is Outcome.DONE:
            return
        async with self._db.engine.begin() as conn:
            if outcome is Outcome.RETRY:
                delay = timedelta(seconds=self._runner.retry.delay(event.attempt))
                await conn.execute(
                    update(DeliveryRow)
                    .where(DeliveryRow.id == row_id)
                    .values(visible_at=self._clock.now() + delay, claimed_by=None)
                )
            else:  # duplicate or dead-lettered: nothing more to do for this row
                await conn.execute(delete(DeliveryRow).where(DeliveryRow.id == row_id))

    async def _keep_claim(self, row_id: int) -> None:
        """Push the visibility timeout ahead while a slow handler runs, like JetStream's in-progress."""
        while True:
            await asyncio.sleep(self._ack_wait.total_seconds() / 3)
            with contextlib.suppress(Exception):
                async with self._db.engine.begin() as conn:
                    await conn.execute(
                        update(DeliveryRow)
                        .where(DeliveryRow.id == row_id, DeliveryRow.claimed_by == self._owner)
                        .values(visible_at=self._clock.now() + self._ack_wait)
                    )

    async def pending(self) -> int:
        async with self._db.engine.connect() as conn:
            return int((await conn.execute(select(func.count()).select_from(DeliveryRow))).scalar_one())

    async def check(self) -> tuple[bool, str]:
        try:
            pending = await self.pending()
        except Exception as exc:  # readiness reports, never raises
            return False, f"{type(exc).__name__}: deliveries unreadable"
        if not self._started:
            return False, f"not started, {len(self._consumers)} consumers registered"
        running, stopped = self._running_loops()
        if stopped is not None:
            return False, stopped
        listening = "" if self._tail is None else f", {len(self._listeners)} listeners"
        return True, f"{running} consumers running{listening}, {pending} deliveries pending"
