"""Transactional outbox: events written in the same transaction as the change they describe."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from domain.common.events import DomainEvent
from infra.persistence.base import Base, Int64, Json, UtcDateTime


class OutboxRow(Base):
    __tablename__ = "outbox_event"
    __table_args__ = (Index("ix_outbox_event_pending", "published_at", "id"),)

    id: Mapped[int] = mapped_column(Int64, primary_key=True, autoincrement=False)
    topic: Mapped[str] = mapped_column(String(128))
    dedupe_id: Mapped[str] = mapped_column(String(64), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(Json)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)

    @classmethod
    def of(cls, event_id: int, event: DomainEvent, now: datetime) -> OutboxRow:
        return cls(
            id=event_id,
            topic=event.topic,
            dedupe_id=str(event_id),
            payload=event.payload(),
            created_at=now,
            published_at=None,
            attempts=0,
        )
