"""Leases on id-generator worker numbers, so processes sharing a database never share a number."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import Integer, String, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from infra.idgen import MAX_WORKER
from infra.persistence.base import Base, UtcDateTime
from infra.persistence.database import Database

LEASE_TTL = timedelta(minutes=2)


class WorkerLeaseRow(Base):
    __tablename__ = "id_worker_lease"

    worker_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    owner: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)


class NoFreeWorkerId(RuntimeError):
    pass


class WorkerLeases:
    def __init__(self, db: Database, ttl: timedelta = LEASE_TTL) -> None:
        self._db = db
        self._ttl = ttl
        self.owner = uuid.uuid4().hex

    async def acquire(self) -> int:
        """Claim the lowest expired or never-used worker number."""
        now = datetime.now(UTC)
        async with self._db.engine.connect() as conn:
            rows = (await conn.execute(select(WorkerLeaseRow.worker_id, WorkerLeaseRow.expires_at))).all()
        known = {r.worker_id for r in rows}
        expired = sorted(r.worker_id for r in rows if r.expires_at <= now)
        for worker_id in expired:
            async with self._db.engine.begin() as conn:
                claimed = await conn.execute(
                    update(WorkerLeaseRow)
                    .where(WorkerLeaseRow.worker_id == worker_id, WorkerLeaseRow.expires_at <= now)
                    .values(owner=self.owner, expires_at=now + self._ttl)
                )
            if claimed.rowcount == 1:
                return int(worker_id)
        for worker_id in (w for w in range(MAX_WORKER + 1) if w not in known):
            try:
                async with self._db.engine.begin() as conn:
                    await conn.execute(
                        insert(WorkerLeaseRow).values(
                            worker_id=worker_id, owner=self.owner, expires_at=now + self._ttl
                        )
                    )
            except IntegrityError:
                continue  # another process took it between our read and insert
            return worker_id
        raise NoFreeWorkerId("all id-generator worker numbers are leased")

    async def renew(self, worker_id: int) -> bool:
        """Extend our lease; False means it was lost (we were paused past the TTL)."""
        async with self._db.engine.begin() as conn:
            result = await conn.execute(
                update(WorkerLeaseRow)
                .where(WorkerLeaseRow.worker_id == worker_id, WorkerLeaseRow.owner == self.owner)
                .values(expires_at=datetime.now(UTC) + self._ttl)
            )
        return bool(result.rowcount == 1)

    async def release(self, worker_id: int) -> None:
        async with self._db.engine.begin() as conn:
            await conn.execute(
                update(WorkerLeaseRow)
                .where(WorkerLeaseRow.worker_id == worker_id, WorkerLeaseRow.owner == self.owner)
                .values(expires_at=datetime(1970, 1, 1, tzinfo=UTC))
            )
