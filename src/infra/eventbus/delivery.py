"""What both bus adapters do with one delivery: run the handler once in effect, retry or dead-letter.

The handler runs inside a unit of work that also inserts the (group, dedupe id) processed record. A
handler using `async with uow:` joins that transaction, so its writes, the events it records and
the processed record commit together: a redelivery after the commit is skipped, a crash before it
leaves nothing behind.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import structlog
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from domain.common.eventbus import DEFAULT_MAX_ATTEMPTS, Consumer, Event
from domain.common.ports import Clock, IdGenerator
from infra.persistence.database import Database
from infra.persistence.eventbus import DeadLetterRow, ProcessedEventRow, short_error
from infra.persistence.uow import SqlUnitOfWorkFactory, current_session

log = structlog.get_logger("cozeplus.eventbus")


class Outcome(enum.Enum):
    DONE = "done"  # handled and committed now
    DUPLICATE = "duplicate"  # committed earlier by another delivery: acknowledge and move on
    RETRY = "retry"  # failed; deliver again after a delay
    DEAD = "dead"  # recorded as a dead letter: acknowledge


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Delay before delivery n+1 after n failures: base * 2**(n-1), capped."""

    base_s: float = 1.0
    max_s: float = 60.0

    def delay(self, attempt: int) -> float:
        return float(min(self.max_s, self.base_s * 2 ** max(0, attempt - 1)))


InTransaction = Callable[[], Awaitable[None]]


class DeliveryRunner:
    def __init__(
        self,
        db: Database,
        uow: SqlUnitOfWorkFactory,
        ids: IdGenerator,
        clock: Clock,
        *,
        retry: RetryPolicy | None = None,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    ) -> None:
        self._db = db
        self._uow = uow
        self._ids = ids
        self._clock = clock
        self.retry = retry or RetryPolicy()
        self.max_attempts = max_attempts

    def attempts_for(self, consumer: Consumer) -> int:
        return consumer.max_attempts or self.max_attempts

    async def run(self, consumer: Consumer, event: Event, also: InTransaction | None = None) -> Outcome:
        """Handle one delivery. `also` runs inside the handler's transaction (the in-process bus
        deletes its delivery row there)."""
        if event.attempt > self.attempts_for(consumer):
            # Earlier deliveries never reported back (the process died mid-handler): stop here.
            await self.dead_letter(consumer, event, "delivery attempts exhausted without an outcome")
            return Outcome.DEAD
        try:
            async with self._uow() as uow:
                if await self._already_processed(consumer.group, event.dedupe_id):
                    return Outcome.DUPLICATE
                await consumer.handler(event)
                await current_session().execute(
                    insert(ProcessedEventRow).values(
                        id=self._ids.next_id(),
                        group_name=consumer.group,
                        dedupe_id=event.dedupe_id,
                        topic=event.topic,
                        processed_at=self._clock.now(),
                    )
                )
                if also is not None:
                    await also()
                await uow.commit()
            return Outcome.DONE
        except IntegrityError as exc:
            if await self._processed_elsewhere(consumer.group, event.dedupe_id):
                return Outcome.DUPLICATE  # a parallel delivery won the race; our writes rolled back
            return await self._failed(consumer, event, exc)
        except Exception as exc:  # any handler failure is retried, then dead-lettered
            return await self._failed(consumer, event, exc)

    async def _already_processed(self, group: str, dedupe_id: str) -> bool:
        found = await current_session().execute(
            select(ProcessedEventRow.id).where(
                ProcessedEventRow.group_name == group, ProcessedEventRow.dedupe_id == dedupe_id
            )
        )
        return found.first() is not None

    async def _processed_elsewhere(self, group: str, dedupe_id: str) -> bool:
        async with self._uow():
            return await self._already_processed(group, dedupe_id)

    async def _failed(self, consumer: Consumer, event: Event, exc: Exception) -> Outcome:
        log.warning(
            "event_handler_failed",
            group=consumer.group,
            topic=event.topic,
            dedupe_id=event.dedupe_id,
            attempt=event.attempt,
            error=short_error(exc)[:300],
        )
        if event.attempt >= self.attempts_for(consumer):
            await self.dead_letter(consumer, event, short_error(exc))
            return Outcome.DEAD
        return Outcome.RETRY

    async def dead_letter(self, consumer: Consumer, event: Event, error: str) -> None:
        async with self._db.engine.begin() as conn:
            await conn.execute(
                insert(DeadLetterRow).values(
                    id=self._ids.next_id(),
                    group_name=consumer.group,
                    topic=event.topic,
                    dedupe_id=event.dedupe_id,
                    payload=event.payload,
                    error=error,
                    attempts=event.attempt,
                    created_at=self._clock.now(),
                    replayed_at=None,
                    replay_count=0,
                )
            )
        log.error(
            "event_dead_lettered",
            group=consumer.group,
            topic=event.topic,
            dedupe_id=event.dedupe_id,
            attempts=event.attempt,
        )
