"""The outbox relay: publishes committed outbox rows to the bus, in id order, at least once.

Exactly one process relays at a time, elected through a lease row (`process_lease`): that keeps the
publish order equal to the id order and works the same on SQLite and MySQL. Others stand by and
take over within one lease period when the holder stops renewing. A row is marked published only
after the bus confirmed it; a crash in between publishes it again, which the bus (NATS message ids,
unique delivery rows) and the consumers (processed records) absorb.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

import structlog
from sqlalchemy import delete, func, select, update

from domain.common.eventbus import Event, EventBus
from domain.common.ports import Clock
from infra.persistence.database import Database
from infra.persistence.eventbus import ProcessedEventRow, short_error
from infra.persistence.outbox import OutboxRow
from infra.persistence.process_lease import ProcessLease

log = structlog.get_logger("cozeplus.outbox")

LEASE_NAME = "outbox-relay"
HOUSEKEEPING_EVERY = timedelta(minutes=10)


class OutboxRelay:
    def __init__(
        self,
        db: Database,
        bus: EventBus,
        clock: Clock,
        *,
        batch_size: int = 100,
        poll_interval_s: float = 0.5,
        lease_ttl_s: float = 15.0,
        retention: timedelta = timedelta(days=7),
        max_backoff_s: float = 10.0,
    ) -> None:
        self._db = db
        self._bus = bus
        self._clock = clock
        self._batch = batch_size
        self._poll = poll_interval_s
        self._retention = retention
        self._max_backoff = max_backoff_s
        self.lease = ProcessLease(db, clock, LEASE_NAME, timedelta(seconds=lease_ttl_s))
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._wake = asyncio.Event()
        self.leading = False
        self._renewed_at = 0.0
        self._cleaned_at = self._clock.now() - HOUSEKEEPING_EVERY

    async def start(self) -> None:
        self._stopping.clear()
        self._task = asyncio.create_task(self._run(), name="outbox-relay")

    async def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self.leading:
            with contextlib.suppress(Exception):
                await self.lease.release()
            self.leading = False

    def wake(self) -> None:
        """Look for new rows now instead of after the poll interval."""
        self._wake.set()

    async def _run(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            published = 0
            try:
                if await self._hold_lease():
                    published = await self.relay_once()
                    await self._housekeeping()
                failures = 0
            except Exception as exc:  # bus or database down: keep the rows, back off, try again
                failures += 1
                log.warning("outbox_relay_failed", error=short_error(exc)[:300], failures=failures)
            if published >= self._batch:
                continue  # more waiting: go on at once
            delay = self._poll if failures == 0 else min(self._max_backoff, self._poll * 2**failures)
            self._wake.clear()
            if self._stopping.is_set():  # stop() may have set the wake while a batch ran
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), delay)

    async def _hold_lease(self) -> bool:
        loop = asyncio.get_running_loop()
        # Renew at a third of the TTL; between renewals trust the lease we hold.
        if self.leading and loop.time() - self._renewed_at < self.lease.ttl.total_seconds() / 3:
            return True
        was_leading = self.leading
        self.leading = await self.lease.acquire()
        if self.leading:
            self._renewed_at = loop.time()
            if not was_leading:
                log.info("outbox_relay_leading", owner=self.lease.owner)
        return self.leading

    async def relay_once(self) -> int:
        """Publish one batch of unpublished rows; returns how many were published."""
        async with self._db.engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(OutboxRow.id, OutboxRow.topic, OutboxRow.dedupe_id, OutboxRow.payload)
                    .where(OutboxRow.published_at.is_(None))
                    .order_by(OutboxRow.id)
                    .limit(self._batch)
                )
            ).all()
        if not rows:
            return 0
        ids = [r.id for r in rows]
        try:
            await self._bus.publish_batch([Event(r.topic, r.payload, r.dedupe_id) for r in rows])
        except Exception:
            async with self._db.engine.begin() as conn:
                await conn.execute(
                    update(OutboxRow).where(OutboxRow.id.in_(ids)).values(attempts=OutboxRow.attempts + 1)
                )
            raise
        async with self._db.engine.begin() as conn:
            await conn.execute(
                update(OutboxRow).where(OutboxRow.id.in_(ids)).values(published_at=self._clock.now())
            )
        return len(rows)

    async def _housekeeping(self) -> None:
        """Forget published outbox rows and processed records older than the retention."""
        now = self._clock.now()
        if now - self._cleaned_at < HOUSEKEEPING_EVERY:
            return
        self._cleaned_at = now
        cutoff = now - self._retention
        async with self._db.engine.begin() as conn:
            await conn.execute(delete(OutboxRow).where(OutboxRow.published_at < cutoff))
            await conn.execute(delete(ProcessedEventRow).where(ProcessedEventRow.processed_at < cutoff))

    async def backlog(self) -> int:
        async with self._db.engine.connect() as conn:
            pending = await conn.execute(
                select(func.count()).select_from(OutboxRow).where(OutboxRow.published_at.is_(None))
            )
            return int(pending.scalar_one())
