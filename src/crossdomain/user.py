"""What the user context offers others."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class UserCard:
    """What another context may know of an account: who it is and whether it may act."""

    id: int
    name: str
    unique_name: str
    avatar_url: str
    is_superuser: bool
    active: bool  # exists and is not disabled


class UserDirectory(Protocol):
    """Reads that join the caller's unit of work when there is one."""

    async def is_active_user(self, user_id: int) -> bool:
        """True when the account exists and is not disabled."""
        ...

    async def card(self, user_id: int) -> UserCard | None:
        """The account, active or not; None when there is none."""
        ...

    async def cards(self, user_ids: Sequence[int]) -> list[UserCard]:
        """The accounts that exist among `user_ids`, in no particular order."""
        ...

    async def card_by_email(self, email: str) -> UserCard | None:
        """The account registered with `email` (compared as the user context normalises it)."""
        ...


class AccountWatcher(Protocol):
    """Told by the user context, in the process that made the change and right after its commit,
    that an account's status changed (other processes hear `user.account_status_changed`)."""

    def account_changed(self, user_id: int) -> None: ...
