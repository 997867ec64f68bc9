"""Named leases held by one process at a time, e.g. the outbox relay's leadership."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import String, insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from domain.common.ports import Clock
from infra.persistence.base import Base, UtcDateTime
from infra.persistence.database import Database


class ProcessLeaseRow(Base):
    __tablename__ = "process_lease"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ProcessLease:
    """Take, keep and give back one named lease. Whoever holds an unexpired lease owns the role."""

    def __init__(self, db: Database, clock: Clock, name: str, ttl: timedelta) -> None:
        self._db = db
        self._clock = clock
        self.name = name
        self.ttl = ttl
        self.owner = uuid.uuid4().hex

    async def acquire(self) -> bool:
        """True when we hold the lease afterwards (taken fresh, taken over after expiry, or renewed)."""
        now = self._clock.now()
        async with self._db.engine.begin() as conn:
            taken = await conn.execute(
                update(ProcessLeaseRow)
                .where(ProcessLeaseRow.name == self.name)
                .where((ProcessLeaseRow.owner == self.owner) | (ProcessLeaseRow.expires_at <= now))
                .values(owner=self.owner, expires_at=now + self.ttl)
            )
        if taken.rowcount == 1:
            return True
        try:
            async with self._db.engine.begin() as conn:
                await conn.execute(
                    insert(ProcessLeaseRow).values(
                        name=self.name, owner=self.owner, expires_at=now + self.ttl
                    )
                )
        except IntegrityError:
            return False  # someone else holds it
        return True

    async def release(self) -> None:
        async with self._db.engine.begin() as conn:
            await conn.execute(
                update(ProcessLeaseRow)
                .where(ProcessLeaseRow.name == self.name, ProcessLeaseRow.owner == self.owner)
                .values(expires_at=datetime(1970, 1, 1, tzinfo=UTC))
            )
