"""Tables of the event bus: processed-event records, dead letters and in-process deliveries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint, select, update
from sqlalchemy.orm import Mapped, mapped_column

from domain.common.eventbus import DeadLetter, DeadLetterQuery
from infra.persistence.base import Base, Int64, Json, UtcDateTime
from infra.persistence.uow import current_session

MAX_ERROR_CHARS = 2000


class ProcessedEventRow(Base):
    """One row per (group, dedupe id) a handler committed; written in the handler's own transaction."""

    __tablename__ = "event_processed"
    __table_args__ = (
        UniqueConstraint("group_name", "dedupe_id"),
        Index("ix_event_processed_processed_at", "processed_at"),
    )

    id: Mapped[int] = mapped_column(Int64, primary_key=True, autoincrement=False)
    group_name: Mapped[str] = mapped_column(String(48))
    dedupe_id: Mapped[str] = mapped_column(String(64))
    topic: Mapped[str] = mapped_column(String(128))
    processed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class DeadLetterRow(Base):
    __tablename__ = "event_dead_letter"
    __table_args__ = (Index("ix_event_dead_letter_group_name_id", "group_name", "id"),)

    id: Mapped[int] = mapped_column(Int64, primary_key=True, autoincrement=False)
    group_name: Mapped[str] = mapped_column(String(48))
    topic: Mapped[str] = mapped_column(String(128))
    dedupe_id: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(Json)
    error: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    replayed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    replay_count: Mapped[int] = mapped_column(Integer, default=0)

    def to_entity(self) -> DeadLetter:
        return DeadLetter(
            id=self.id,
            group=self.group_name,
            topic=self.topic,
            dedupe_id=self.dedupe_id,
            payload=self.payload,
            error=self.error,
            attempts=self.attempts,
            created_at=self.created_at,
            replayed_at=self.replayed_at,
            replay_count=self.replay_count,
        )


class DeliveryRow(Base):
    """A pending delivery of the in-process bus: one per (group, dedupe id), deleted once handled.

    `visible_at` works like a queue's visibility timeout: a claim pushes it `ack_wait` ahead, so a
    delivery whose process died becomes claimable again; a failure pushes it by the retry delay.
    """

    __tablename__ = "event_delivery"
    __table_args__ = (
        UniqueConstraint("group_name", "dedupe_id"),
        Index("ix_event_delivery_group_name_topic_visible_at", "group_name", "topic", "visible_at"),
    )

    id: Mapped[int] = mapped_column(Int64, primary_key=True, autoincrement=False)
    group_name: Mapped[str] = mapped_column(String(48))
    topic: Mapped[str] = mapped_column(String(128))
    dedupe_id: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(Json)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    visible_at: Mapped[datetime] = mapped_column(UtcDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


def short_error(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 3] + "..."


class SqlDeadLetterRepository:
    async def list(self, query: DeadLetterQuery) -> Sequence[DeadLetter]:
        stmt = select(DeadLetterRow).order_by(DeadLetterRow.id.desc()).limit(query.limit)
        if query.group is not None:
            stmt = stmt.where(DeadLetterRow.group_name == query.group)
        if query.topic is not None:
            stmt = stmt.where(DeadLetterRow.topic == query.topic)
        if query.before_id is not None:
            stmt = stmt.where(DeadLetterRow.id < query.before_id)
        rows = (await current_session().execute(stmt)).scalars()
        return [r.to_entity() for r in rows]

    async def get(self, dead_letter_id: int) -> DeadLetter | None:
        row = await current_session().get(DeadLetterRow, dead_letter_id)
        return None if row is None else row.to_entity()

    async def mark_replayed(self, dead_letter_id: int, at: datetime) -> None:
        await current_session().execute(
            update(DeadLetterRow)
            .where(DeadLetterRow.id == dead_letter_id)
            .values(replayed_at=at, replay_count=DeadLetterRow.replay_count + 1)
            .execution_options(synchronize_session=False)
        )
