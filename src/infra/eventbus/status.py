"""The `eventbus` entry of /readyz: the adapter's own state plus outbox backlog and dead letters."""

from __future__ import annotations

from sqlalchemy import func, select

from domain.common.eventbus import EventBus
from infra.eventbus.relay import OutboxRelay
from infra.persistence.database import Database
from infra.persistence.eventbus import DeadLetterRow


class EventBusStatus:
    name = "eventbus"

    def __init__(self, bus: EventBus, relay: OutboxRelay, db: Database) -> None:
        self._bus = bus
        self._relay = relay
        self._db = db

    @property
    def adapter(self) -> str:
        return self._bus.adapter

    async def check(self) -> tuple[bool, str]:
        ok, detail = await self._bus.check()
        try:
            backlog = await self._relay.backlog()
            async with self._db.engine.connect() as conn:
                dead = await conn.execute(
                    select(func.count()).select_from(DeadLetterRow).where(DeadLetterRow.replayed_at.is_(None))
                )
                dead_letters = int(dead.scalar_one())
        except Exception as exc:  # readiness reports, never raises
            return False, f"{detail}; outbox unreadable ({type(exc).__name__})"
        return ok, f"{detail}; outbox backlog {backlog}; dead letters {dead_letters}"
