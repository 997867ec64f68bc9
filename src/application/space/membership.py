"""Space membership as the permission checker sees it (crossdomain SpaceMembership).

Kept apart from SpaceService so that the checker can depend on it while SpaceService depends on the
checker. Inside a unit of work the read joins the caller's transaction."""

from __future__ import annotations

from domain.common.ports import Clock, UnitOfWorkFactory
from domain.space.ports import SpaceRepository


class MembershipReader:
    def __init__(self, uow: UnitOfWorkFactory, spaces: SpaceRepository, clock: Clock) -> None:
        self._uow, self._spaces, self._clock = uow, spaces, clock

    async def role_in(self, space_id: int, user_id: int) -> str | None:
        async with self._uow():
            member = await self._spaces.member(space_id, user_id)
        if member is None or not member.active_at(self._clock.now()):
            return None
        return member.role.value
