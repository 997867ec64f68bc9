"""Spaces and their members. A non-member asking about a space gets SpaceNotFound, never a hint."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from application.common.actor import Actor, require_scope
from application.common.paging import Page, bounded
from crossdomain.audit import AuditRecorder, AuditResult
from crossdomain.permission import PermissionChecker, Resource
from crossdomain.user import UserDirectory
from domain.common.access import Scope, UserNotFound
from domain.common.ports import Clock, IdGenerator, UnitOfWorkFactory
from domain.space.entities import (
    Space,
    SpaceMember,
    SpaceRight,
    check_invite,
    invite_right,
    removal_right,
    transfer_right,
)
from domain.space.errors import NotAMember, SpaceNotFound, SpaceRoleRequired
from domain.space.ports import SpaceRepository
from domain.space.values import SpaceRole


@dataclass(frozen=True, slots=True)
class SpaceDTO:
    id: int
    name: str
    description: str
    icon_url: str
    type: str
    owner_id: int
    role: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class MemberDTO:
    user_id: int
    role: str
    name: str
    unique_name: str
    avatar_url: str
    joined_at: datetime
    expires_at: datetime | None


def _dto(space: Space, member: SpaceMember) -> SpaceDTO:
    return SpaceDTO(
        space.id,
        space.name,
        space.description,
        space.icon_url,
        space.type.value,
        space.owner_id,
        member.role.value,
        space.created_at,
    )


class SpaceService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        spaces: SpaceRepository,
        users: UserDirectory,
        audit: AuditRecorder,
        ids: IdGenerator,
        clock: Clock,
        permissions: PermissionChecker,
    ) -> None:
        self._uow, self._spaces, self._users, self._audit = uow, spaces, users, audit
        self._ids, self._clock, self._permissions = ids, clock, permissions

    # -- crossdomain: PersonalSpaces, SpaceMembership
    async def create_personal_space(self, user_id: int, user_name: str) -> int:
        now = self._clock.now()
        space = Space.personal(self._ids.next_id(), user_id, user_name, now)
        await self._spaces.add(space)
        await self._spaces.put_member(SpaceMember(space.id, user_id, SpaceRole.OWNER, now))
        return space.id

    async def role_in(self, space_id: int, user_id: int) -> str | None:
        async with self._uow():
            member = await self._spaces.member(space_id, user_id)
        if member is None or not member.active_at(self._clock.now()):
            return None
        return member.role.value

    # -- use cases
    async def list_for(self, actor: Actor, page: int = 1, page_size: int = 100) -> Page[SpaceDTO]:
        require_scope(actor, Scope.WORKSPACE_READ)
        now = self._clock.now()
        async with self._uow():
            rows = await self._spaces.spaces_of(actor.user_id)
        visible = [_dto(s, m) for s, m in rows if m.active_at(now) and actor.reaches_space(s.id)]
        size = bounded(page_size)
        start = max(page - 1, 0) * size
        return Page(visible[start : start + size], len(visible), start + size < len(visible))

    async def get(self, actor: Actor, space_id: int) -> SpaceDTO:
        async with self._uow():
            space, member = await self._visible(actor, space_id)
        return _dto(space, member)

    async def create_team(self, actor: Actor, name: str, description: str = "") -> SpaceDTO:
        now = self._clock.now()
        space = Space.team(self._ids.next_id(), actor.user_id, name, description, now)
        owner = SpaceMember(space.id, actor.user_id, SpaceRole.OWNER, now)
        async with self._uow() as uow:
            await self._spaces.add(space)
            await self._spaces.put_member(owner)
            await uow.commit()
        await self._audit.record(
            "space.create", AuditResult.OK, actor, target_type="space", target_id=space.id
        )
        return _dto(space, owner)

    async def members(self, actor: Actor, space_id: int, page: int, page_size: int) -> Page[MemberDTO]:
        size = bounded(page_size)
        async with self._uow():
            await self._visible(actor, space_id)
            members, total = await self._spaces.members(space_id, max(page - 1, 0) * size, size)
            users = {u.id: u for u in await self._users.cards([m.user_id for m in members])}
        items = [
            MemberDTO(
                m.user_id,
                m.role.value,
                users[m.user_id].name,
                users[m.user_id].unique_name,
                users[m.user_id].avatar_url,
                m.joined_at,
                m.expires_at,
            )
            for m in members
            if m.user_id in users
        ]
        return Page(items, total, page * size < total)

    async def add_member(
        self, actor: Actor, space_id: int, user_id: int, role: SpaceRole, expires_at: datetime | None = None
    ) -> MemberDTO:
        now = self._clock.now()
        async with self._uow() as uow:
            space, _ = await self._visible(actor, space_id)
            user = await self._users.card(user_id)
            if user is None or not user.active:
                raise UserNotFound()
            await self._require(actor, space_id, invite_right(space, role))
            check_invite(role, await self._spaces.member(space_id, user_id), now)
            member = SpaceMember(space_id, user_id, role, now, expires_at)
            await self._spaces.put_member(member)
            await uow.commit()
        await self._audit.record(
            "space.member.add",
            AuditResult.OK,
            actor,
            target_type="space",
            target_id=space_id,
            detail={"user_id": str(user_id), "role": role.value},
        )
        return MemberDTO(user_id, role.value, user.name, user.unique_name, user.avatar_url, now, expires_at)

    async def remove_member(self, actor: Actor, space_id: int, user_id: int) -> None:
        async with self._uow() as uow:
            _, me = await self._visible(actor, space_id)
            target = await self._spaces.member(space_id, user_id)
            if target is None:
                raise NotAMember()
            right = removal_right(me, target)
            if right is not None:
                await self._require(actor, space_id, right)
            await self._spaces.remove_member(space_id, user_id)
            await uow.commit()
        await self._audit.record(
            "space.member.remove",
            AuditResult.OK,
            actor,
            target_type="space",
            target_id=space_id,
            detail={"user_id": str(user_id)},
        )

    async def transfer_ownership(self, actor: Actor, space_id: int, new_owner_id: int) -> None:
        now = self._clock.now()
        async with self._uow() as uow:
            space, _ = await self._visible(actor, space_id)
            await self._require(actor, space_id, transfer_right(space))
            heir = await self._spaces.member(space_id, new_owner_id)
            if heir is None or not heir.active_at(now):
                raise NotAMember()
            # The previous owner stays as an admin. That is usually the caller, but a role holding
            # space:manage (super_admin) may transfer on the owner's behalf.
            previous = await self._spaces.member(space_id, space.owner_id)
            space.owner_id, space.updated_at = new_owner_id, now
            heir.role, heir.expires_at = SpaceRole.OWNER, None
            await self._spaces.save(space)
            if previous is not None and previous.user_id != new_owner_id:
                previous.role = SpaceRole.ADMIN
                await self._spaces.put_member(previous)
            await self._spaces.put_member(heir)
            await uow.commit()
        await self._audit.record(
            "space.transfer",
            AuditResult.OK,
            actor,
            target_type="space",
            target_id=space_id,
            detail={"new_owner_id": str(new_owner_id)},
        )

    async def _require(self, actor: Actor, space_id: int, right: SpaceRight) -> None:
        """Rights come from the space roles (data, see ADR 0017); the refusal keeps the space's wording."""
        if not await self._permissions.check(
            actor, Resource.in_space(right.resource, space_id), right.action
        ):
            raise SpaceRoleRequired(role=right.role.value)

    async def _visible(self, actor: Actor, space_id: int) -> tuple[Space, SpaceMember]:
        """The space and the actor's membership, or SpaceNotFound (also for tokens bound elsewhere)."""
        if not actor.reaches_space(space_id):
            raise SpaceNotFound()
        space = await self._spaces.get(space_id)
        member = await self._spaces.member(space_id, actor.user_id)
        if space is None or member is None or not member.active_at(self._clock.now()):
            raise SpaceNotFound()
        return space, member
