"""What the space context offers others."""

from __future__ import annotations

from typing import Protocol


class PersonalSpaces(Protocol):
    async def create_personal_space(self, user_id: int, user_name: str) -> int:
        """Create the user's personal space inside the caller's unit of work; return its id."""
        ...


class SpaceMembership(Protocol):
    async def role_in(self, space_id: int, user_id: int) -> str | None:
        """'owner', 'admin', 'member', or None when the user is not an active member."""
        ...
