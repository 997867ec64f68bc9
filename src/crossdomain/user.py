"""What the user context offers others."""

from __future__ import annotations

from typing import Protocol


class UserDirectory(Protocol):
    async def is_active_user(self, user_id: int) -> bool:
        """True when the account exists and is not disabled; joins the caller's unit of work."""
        ...
