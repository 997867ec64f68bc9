"""Use cases for events the consumers gave up on: list them and replay one to its group."""

from __future__ import annotations

from dataclasses import dataclass

from application.common.actor import Actor
from application.common.admin import require_platform_admin
from crossdomain.permission import PermissionChecker
from domain.common.eventbus import (
    DeadLetter,
    DeadLetterNotFound,
    DeadLetterQuery,
    DeadLetterRepository,
    Event,
    EventBus,
)
from domain.common.ports import Clock, UnitOfWorkFactory

# The shared kernel's dead letter is frozen and holds nothing a caller may not see: it is the view.
DeadLetterDTO = DeadLetter


@dataclass(frozen=True, slots=True)
class DeadLetterPage:
    items: list[DeadLetterDTO]
    next_before_id: int | None  # pass as before_id for the next (older) page; None at the end


class DeadLetterService:
    """Platform admins only: a dead letter's payload is any context's data."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        dead_letters: DeadLetterRepository,
        bus: EventBus,
        clock: Clock,
        permissions: PermissionChecker,
    ) -> None:
        self._uow = uow
        self._dead_letters = dead_letters
        self._bus = bus
        self._clock = clock
        self._permissions = permissions

    async def list(
        self,
        actor: Actor,
        group: str | None = None,
        topic: str | None = None,
        before_id: int | None = None,
        limit: int = 50,
    ) -> DeadLetterPage:
        await require_platform_admin(self._permissions, actor)
        query = DeadLetterQuery(group=group, topic=topic, before_id=before_id, limit=limit)
        async with self._uow():
            items = list(await self._dead_letters.list(query))
        return DeadLetterPage(items, items[-1].id if len(items) == limit else None)

    async def replay(self, actor: Actor, dead_letter_id: int) -> DeadLetterDTO:
        """Deliver the event again to the group that gave up on it (and to no other group).

        The redelivery is confirmed by the bus before the record is marked, so a failed replay can
        simply be repeated; the processed record makes an extra delivery harmless.
        """
        await require_platform_admin(self._permissions, actor)
        async with self._uow():
            found = await self._dead_letters.get(dead_letter_id)
        if found is None:
            raise DeadLetterNotFound(dead_letter_id=str(dead_letter_id))
        await self._bus.redeliver(found.group, Event(found.topic, found.payload, found.dedupe_id))
        async with self._uow() as uow:
            await self._dead_letters.mark_replayed(dead_letter_id, self._clock.now())
            updated = await self._dead_letters.get(dead_letter_id)
            await uow.commit()
        return updated or found
