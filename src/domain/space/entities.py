from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from crossdomain.permission import Action, ResourceKind
from domain.space.errors import (
    AlreadyMember,
    OwnerCannotLeave,
    PersonalSpaceIsPrivate,
    SpaceRoleRequired,
)
from domain.space.values import SpaceRole, SpaceType, checked_name


@dataclass(slots=True)
class SpaceMember:
    space_id: int
    user_id: int
    role: SpaceRole
    joined_at: datetime
    expires_at: datetime | None = None

    def active_at(self, now: datetime) -> bool:
        return self.expires_at is None or now < self.expires_at


@dataclass(slots=True)
class Space:
    id: int
    name: str
    type: SpaceType
    owner_id: int
    created_at: datetime
    updated_at: datetime
    description: str = ""
    icon_url: str = ""

    @classmethod
    def personal(cls, space_id: int, owner_id: int, owner_name: str, now: datetime) -> Space:
        return cls(
            space_id,
            checked_name(f"{owner_name}'s space"[:100]),
            SpaceType.PERSONAL,
            owner_id,
            now,
            now,
            description="Personal space",
        )

    @classmethod
    def team(cls, space_id: int, owner_id: int, name: str, description: str, now: datetime) -> Space:
        return cls(
            space_id, checked_name(name), SpaceType.TEAM, owner_id, now, now, description=description[:500]
        )


@dataclass(frozen=True, slots=True)
class SpaceRight:
    """A right a space action needs, asked of the permission checker as (`resource`, `action`) in the
    space's domain. `role` is the membership role that carries it by default, named in the refusal."""

    resource: ResourceKind
    action: Action
    role: SpaceRole


INVITE_MEMBER = SpaceRight(ResourceKind.MEMBER, Action.CREATE, SpaceRole.ADMIN)
REMOVE_MEMBER = SpaceRight(ResourceKind.MEMBER, Action.DELETE, SpaceRole.ADMIN)
MANAGE_SPACE = SpaceRight(ResourceKind.SPACE, Action.MANAGE, SpaceRole.OWNER)  # admins, ownership


def invite_right(space: Space, role: SpaceRole) -> SpaceRight:
    """Admins add members; only the owner may add admins."""
    if space.type is SpaceType.PERSONAL:
        raise PersonalSpaceIsPrivate()
    return MANAGE_SPACE if role is SpaceRole.ADMIN else INVITE_MEMBER


def check_invite(role: SpaceRole, existing: SpaceMember | None, now: datetime) -> None:
    """Nobody adds a second owner (that is a transfer), nor someone who is already a member."""
    if role is SpaceRole.OWNER:
        raise SpaceRoleRequired(role="transfer")
    if existing is not None and existing.active_at(now):
        raise AlreadyMember()


def removal_right(actor: SpaceMember, target: SpaceMember) -> SpaceRight | None:
    """Members may leave (None: no right needed); admins remove members; the owner removes anyone
    but cannot leave."""
    if target.role is SpaceRole.OWNER:
        raise OwnerCannotLeave()
    if actor.user_id == target.user_id:
        return None
    return MANAGE_SPACE if target.role is SpaceRole.ADMIN else REMOVE_MEMBER


def role_change_right(space: Space, target: SpaceMember, role: SpaceRole) -> SpaceRight:
    """Only the owner makes or unmakes admins; the owner's own role changes by a transfer only."""
    if space.type is SpaceType.PERSONAL:
        raise PersonalSpaceIsPrivate()
    if role is SpaceRole.OWNER or target.role is SpaceRole.OWNER:
        raise SpaceRoleRequired(role="transfer")
    return MANAGE_SPACE if SpaceRole.ADMIN in (role, target.role) else INVITE_MEMBER


def transfer_right(space: Space) -> SpaceRight:
    if space.type is SpaceType.PERSONAL:
        raise PersonalSpaceIsPrivate()
    return MANAGE_SPACE
