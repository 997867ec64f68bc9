from __future__ import annotations

from enum import StrEnum

from domain.space.errors import InvalidSpaceName


class SpaceType(StrEnum):
    PERSONAL = "personal"
    TEAM = "team"


class SpaceRole(StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    MEMBER = "member"

    @property
    def rank(self) -> int:
        return {SpaceRole.OWNER: 3, SpaceRole.ADMIN: 2, SpaceRole.MEMBER: 1}[self]

    def at_least(self, other: SpaceRole) -> bool:
        return self.rank >= other.rank


def checked_name(name: str) -> str:
    cleaned = (name or "").strip()
    if not 1 <= len(cleaned) <= 100 or any(ord(c) < 32 for c in cleaned):
        raise InvalidSpaceName()
    return cleaned
