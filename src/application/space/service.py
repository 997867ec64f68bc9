"""Spaces and their members. A non-member asking about a space gets SpaceNotFound, never a hint."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from application.common.actor import Actor, require_scope
from application.common.paging import Page, bounded
from crossdomain.audit import AuditRecorder, AuditResult
from crossdomain.permission import PermissionChecker, Resource
from crossdomain.user import UserCard, UserDirectory
from domain.common.access import Scope, UserNotFound
from domain.common.errors import InvalidInput
from domain.common.ports import Clock, IdGenerator, UnitOfWorkFactory
from domain.space.entities import (
    Space,
    SpaceMember,
    SpaceRight,
    check_invite,
    invite_right,
    removal_right,
    role_change_right,
    transfer_right,
)
from domain.space.errors import (
    AlreadyInvited,
    InvitationNotFound,
    NotAMember,
    SpaceNotFound,
    SpaceRoleRequired,
)
from domain.space.invitations import INVITATION_DAYS, InvitationStatus, SpaceInvitation
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


@dataclass(frozen=True, slots=True)
class InvitationDTO:
    id: int
    space_id: int
    space_name: str
    user_id: int
    user_name: str
    unique_name: str
    avatar_url: str
    role: str
    invited_by: int
    state: str  # pending | accepted | declined | revoked | expired
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class MembersAdded:
    added: list[int]
    not_found: list[int]
    already_joined: list[int]


@dataclass(frozen=True, slots=True)
class MembersRemoved:
    removed: list[int]
    not_members: list[int]
    owners: list[int]


# A space cannot pile up more pending invitations than this (each is a row someone must answer).
MAX_PENDING_INVITATIONS = 200


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
            await self._close_invitation(space_id, user_id, now)
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

    async def change_role(self, actor: Actor, space_id: int, user_id: int, role: SpaceRole) -> MemberDTO:
        now = self._clock.now()
        async with self._uow() as uow:
            space, _ = await self._visible(actor, space_id)
            target = await self._spaces.member(space_id, user_id)
            user = await self._users.card(user_id)
            if target is None or not target.active_at(now) or user is None:
                raise NotAMember()
            await self._require(actor, space_id, role_change_right(space, target, role))
            before, target.role = target.role, role
            await self._spaces.put_member(target)
            await uow.commit()
        await self._audit.record(
            "space.member.role",
            AuditResult.OK,
            actor,
            target_type="space",
            target_id=space_id,
            detail={"user_id": str(user_id), "from": before.value, "to": role.value},
        )
        return MemberDTO(
            user_id,
            role.value,
            user.name,
            user.unique_name,
            user.avatar_url,
            target.joined_at,
            target.expires_at,
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

    # -- batches (the token API's workspace members): rights are checked for every entry before
    # the first write, so a refused entry leaves the space as it was.
    async def add_members(
        self, actor: Actor, space_id: int, wanted: Sequence[tuple[int, SpaceRole]]
    ) -> MembersAdded:
        require_scope(actor, Scope.WORKSPACE_WRITE)
        now = self._clock.now()
        added: list[int] = []
        missing: list[int] = []
        joined: list[int] = []
        async with self._uow() as uow:
            space, _ = await self._visible(actor, space_id)
            cards = {u.id: u for u in await self._users.cards([user_id for user_id, _ in wanted])}
            todo: list[SpaceMember] = []
            for user_id, role in dict(wanted).items():
                await self._require(actor, space_id, invite_right(space, role))
                card = cards.get(user_id)
                existing = await self._spaces.member(space_id, user_id)
                if card is None or not card.active:
                    missing.append(user_id)
                elif existing is not None and existing.active_at(now):
                    joined.append(user_id)
                else:
                    check_invite(role, existing, now)
                    todo.append(SpaceMember(space_id, user_id, role, now))
            for member in todo:
                await self._spaces.put_member(member)
                await self._close_invitation(space_id, member.user_id, now)
                added.append(member.user_id)
            await uow.commit()
        await self._audit_batch("space.member.add", actor, space_id, added)
        return MembersAdded(added, missing, joined)

    async def remove_members(self, actor: Actor, space_id: int, user_ids: Sequence[int]) -> MembersRemoved:
        require_scope(actor, Scope.WORKSPACE_WRITE)
        removed: list[int] = []
        absent: list[int] = []
        owners: list[int] = []
        async with self._uow() as uow:
            _, me = await self._visible(actor, space_id)
            for user_id in dict.fromkeys(user_ids):
                target = await self._spaces.member(space_id, user_id)
                if target is None:
                    absent.append(user_id)
                elif target.role is SpaceRole.OWNER:
                    owners.append(user_id)
                else:
                    right = removal_right(me, target)
                    if right is not None:
                        await self._require(actor, space_id, right)
                    removed.append(user_id)
            for user_id in removed:
                await self._spaces.remove_member(space_id, user_id)
            await uow.commit()
        await self._audit_batch("space.member.remove", actor, space_id, removed)
        return MembersRemoved(removed, absent, owners)

    async def _audit_batch(self, action: str, actor: Actor, space_id: int, user_ids: list[int]) -> None:
        if user_ids:
            detail = {"user_ids": [str(u) for u in user_ids]}
            await self._audit.record(
                action, AuditResult.OK, actor, target_type="space", target_id=space_id, detail=detail
            )

    async def _close_invitation(self, space_id: int, user_id: int, now: datetime) -> None:
        """Added directly, an open invitation of the same person has nothing left to ask."""
        pending = await self._spaces.pending_invitation(space_id, user_id)
        if pending is not None and pending.pending_at(now):
            pending.close(InvitationStatus.ACCEPTED, now)
            await self._spaces.save_invitation(pending)

    # -- invitations (domain/space/invitations.py)
    async def invite(
        self,
        actor: Actor,
        space_id: int,
        role: SpaceRole,
        *,
        user_id: int | None = None,
        email: str | None = None,
        days: int = INVITATION_DAYS,
    ) -> InvitationDTO:
        now = self._clock.now()
        async with self._uow() as uow:
            space, _ = await self._visible(actor, space_id)
            await self._require(actor, space_id, invite_right(space, role))
            if (user_id is None) == (email is None):
                raise InvalidInput(detail="give either user_id or email")
            user = await (
                self._users.card(user_id) if user_id is not None else self._users.card_by_email(email or "")
            )
            if user is None or not user.active:
                raise UserNotFound()
            check_invite(role, await self._spaces.member(space_id, user.id), now)
            pending = await self._spaces.pending_invitation(space_id, user.id)
            if pending is not None and pending.pending_at(now):
                raise AlreadyInvited()
            open_ones = await self._spaces.invitations(space_id=space_id, pending_after=now)
            if len(open_ones) >= MAX_PENDING_INVITATIONS:
                raise AlreadyInvited(limit=MAX_PENDING_INVITATIONS)
            invitation = SpaceInvitation.issue(
                self._ids.next_id(), space_id, user.id, role, actor.user_id, now, days
            )
            await self._spaces.add_invitation(invitation)
            await uow.commit()
        await self._audit.record(
            "space.invitation.create",
            AuditResult.OK,
            actor,
            target_type="space",
            target_id=space_id,
            detail={"user_id": str(user.id), "role": role.value, "invitation_id": str(invitation.id)},
        )
        return self._invitation_dto(invitation, space, user, now)

    async def space_invitations(self, actor: Actor, space_id: int) -> list[InvitationDTO]:
        """The space's pending invitations, for those who may invite."""
        now = self._clock.now()
        async with self._uow():
            space, _ = await self._visible(actor, space_id)
            await self._require(actor, space_id, invite_right(space, SpaceRole.MEMBER))
            found = await self._spaces.invitations(space_id=space_id, pending_after=now)
            users = {u.id: u for u in await self._users.cards([i.user_id for i in found])}
        return [self._invitation_dto(i, space, users[i.user_id], now) for i in found if i.user_id in users]

    async def my_invitations(self, actor: Actor) -> list[InvitationDTO]:
        """The caller's pending invitations, whichever space they come from."""
        require_scope(actor, Scope.WORKSPACE_READ)
        now = self._clock.now()
        async with self._uow():
            found = await self._spaces.invitations(user_id=actor.user_id, pending_after=now)
            spaces = {i.space_id: await self._spaces.get(i.space_id) for i in found}
            me = await self._users.card(actor.user_id)
        if me is None:
            return []
        return [
            self._invitation_dto(i, space, me, now)
            for i in found
            if (space := spaces[i.space_id]) is not None and actor.reaches_space(i.space_id)
        ]

    async def answer_invitation(self, actor: Actor, invitation_id: int, accept: bool) -> InvitationDTO:
        """The invitee accepts (joins with the invited role) or declines; anyone else gets not found."""
        now = self._clock.now()
        async with self._uow() as uow:
            invitation = await self._spaces.invitation(invitation_id)
            if (
                invitation is None
                or invitation.user_id != actor.user_id
                or not actor.reaches_space(invitation.space_id)
            ):
                raise InvitationNotFound()
            space = await self._spaces.get(invitation.space_id)
            me = await self._users.card(actor.user_id)
            if space is None or me is None:
                raise InvitationNotFound()
            invitation.close(InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED, now)
            if accept:
                check_invite(invitation.role, await self._spaces.member(space.id, actor.user_id), now)
                await self._spaces.put_member(SpaceMember(space.id, actor.user_id, invitation.role, now))
            await self._spaces.save_invitation(invitation)
            await uow.commit()
        await self._audit.record(
            "space.invitation.accept" if accept else "space.invitation.decline",
            AuditResult.OK,
            actor,
            target_type="space",
            target_id=space.id,
            detail={"invitation_id": str(invitation_id), "role": invitation.role.value},
        )
        return self._invitation_dto(invitation, space, me, now)

    async def revoke_invitation(self, actor: Actor, invitation_id: int) -> None:
        now = self._clock.now()
        async with self._uow() as uow:
            invitation = await self._spaces.invitation(invitation_id)
            if invitation is None or not actor.reaches_space(invitation.space_id):
                raise InvitationNotFound()
            try:
                space, _ = await self._visible(actor, invitation.space_id)
            except SpaceNotFound:
                raise InvitationNotFound() from None
            await self._require(actor, space.id, invite_right(space, invitation.role))
            invitation.close(InvitationStatus.REVOKED, now)
            await self._spaces.save_invitation(invitation)
            await uow.commit()
        await self._audit.record(
            "space.invitation.revoke",
            AuditResult.OK,
            actor,
            target_type="space",
            target_id=space.id,
            detail={"invitation_id": str(invitation_id)},
        )

    @staticmethod
    def _invitation_dto(
        invitation: SpaceInvitation, space: Space, user: UserCard, now: datetime
    ) -> InvitationDTO:
        return InvitationDTO(
            invitation.id,
            space.id,
            space.name,
            user.id,
            user.name,
            user.unique_name,
            user.avatar_url,
            invitation.role.value,
            invitation.invited_by,
            invitation.state_at(now),
            invitation.created_at,
            invitation.expires_at,
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
