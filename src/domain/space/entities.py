from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

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


def require_role(member: SpaceMember | None, role: SpaceRole, now: datetime) -> SpaceMember:
    if member is None or not member.active_at(now) or not member.role.at_least(role):
        raise SpaceRoleRequired(role=role.value)
    return member


def check_invite(
    space: Space, actor: SpaceMember, existing: SpaceMember | None, role: SpaceRole, now: datetime
) -> None:
    """Admins add members; only the owner may add admins; nobody adds a second owner."""
    if space.type is SpaceType.PERSONAL:
        raise PersonalSpaceIsPrivate()
    require_role(actor, SpaceRole.OWNER if role is SpaceRole.ADMIN else SpaceRole.ADMIN, now)
    if role is SpaceRole.OWNER:
        raise SpaceRoleRequired(role="transfer")
    if existing is not None and existing.active_at(now):
        raise AlreadyMember()


def check_removal(actor: SpaceMember, target: SpaceMember, now: datetime) -> None:
    """Members may leave; admins remove members; the owner removes anyone but cannot leave."""
    if target.role is SpaceRole.OWNER:
        raise OwnerCannotLeave()
    if actor.user_id == target.user_id:
        return
    require_role(actor, SpaceRole.OWNER if target.role is SpaceRole.ADMIN else SpaceRole.ADMIN, now)
