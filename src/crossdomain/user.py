"""What the user context offers others."""

from __future__ import annotations

from typing import Protocol


class UserDirectory(Protocol):
    async def is_active_user(self, user_id: int) -> bool:
        """True when the account exists and is not disabled; joins the caller's unit of work."""
        ...


class AccountWatcher(Protocol):
    """Told by the user context, in the process that made the change and right after its commit,
    that an account's status changed (other processes hear `user.account_status_changed`)."""

    def account_changed(self, user_id: int) -> None: ...
