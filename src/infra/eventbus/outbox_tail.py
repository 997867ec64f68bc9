"""Per-process listeners for the in-process bus: every process tails the committed outbox rows.

The in-process bus delivers each event to one process per consumer group; a listener wants every
process. Processes sharing the database all see the `outbox_event` table, so each one polls it for
rows of its listeners' topics. Outbox ids are time-ordered (their high bits are milliseconds) and
minted just before the commit, but a row with a smaller id can still commit after a bigger one, so
the scan keeps a look-back window of LOOKBACK_MS and remembers which ids inside it it has seen.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Sequence

import structlog
from sqlalchemy import select

from domain.common.eventbus import Event, Listener
from infra.idgen import EPOCH_MS, SEQUENCE_BITS, WORKER_BITS
from infra.persistence.database import Database
from infra.persistence.eventbus import short_error
from infra.persistence.outbox import OutboxRow

log = structlog.get_logger("cozeplus.eventbus")

LOOKBACK_MS = 30_000  # also the clock skew between hosts that the scan tolerates
_SHIFT = WORKER_BITS + SEQUENCE_BITS


def first_id_at(unix_ms: int) -> int:
    return max(unix_ms - EPOCH_MS, 0) << _SHIFT


class OutboxTail:
    def __init__(self, db: Database, listeners: Sequence[Listener], poll_interval_s: float = 0.5) -> None:
        self._db = db
        self._listeners = list(listeners)
        self._topics = sorted({listener.topic for listener in self._listeners})
        self._poll = poll_interval_s
        self._seen: set[int] = set()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if not self._listeners or self._task is not None:
            return
        # What was committed before we started is not news: remember it without telling anyone.
        with contextlib.suppress(Exception):
            self._seen = {event_id for event_id, _ in await self._scan()}
        self._task = asyncio.create_task(self._run(), name="eventbus-outbox-tail")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def _floor(self) -> int:
        return first_id_at(time.time_ns() // 1_000_000 - LOOKBACK_MS)

    async def _scan(self) -> list[tuple[int, Event]]:
        async with self._db.engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(OutboxRow.id, OutboxRow.topic, OutboxRow.payload, OutboxRow.dedupe_id)
                    .where(OutboxRow.id >= self._floor(), OutboxRow.topic.in_(self._topics))
                    .order_by(OutboxRow.id)
                )
            ).all()
        return [(row.id, Event(row.topic, row.payload, row.dedupe_id)) for row in rows]

    async def poll_once(self) -> int:
        """Tell the listeners about rows not seen before; returns how many events were new."""
        fresh = [(event_id, event) for event_id, event in await self._scan() if event_id not in self._seen]
        for event_id, event in fresh:
            self._seen.add(event_id)
            for listener in self._listeners:
                if listener.topic == event.topic:
                    try:
                        await listener.handler(event)
                    except Exception as exc:  # one listener's failure must not stop the others
                        log.warning(
                            "eventbus_listener_failed", topic=event.topic, error=short_error(exc)[:300]
                        )
        floor = self._floor()
        self._seen = {event_id for event_id in self._seen if event_id >= floor}
        return len(fresh)

    async def _run(self) -> None:
        while True:
            try:
                await self.poll_once()
            except Exception as exc:  # database hiccup: keep tailing
                log.warning("eventbus_tail_failed", error=short_error(exc)[:300])
            await asyncio.sleep(self._poll)
