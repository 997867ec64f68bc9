from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from domain.user.entities import Session, User
from domain.user.values import Email


class UserRepository(Protocol):
    async def get(self, user_id: int) -> User | None: ...

    async def get_by_email(self, email: Email) -> User | None: ...

    async def get_many(self, user_ids: Sequence[int]) -> Sequence[User]: ...

    async def add(self, user: User) -> None: ...

    async def save(self, user: User) -> None: ...

    async def list(self, offset: int, limit: int, query: str = "") -> tuple[Sequence[User], int]: ...


class SessionRepository(Protocol):
    async def add(self, session: Session) -> None: ...

    async def get_by_secret_hash(self, secret_hash: str) -> Session | None: ...

    async def revoke(self, session_id: int, at: datetime) -> None: ...

    async def revoke_all(self, user_id: int, at: datetime) -> int: ...


class PasswordHasher(Protocol):
    """Deliberately slow (tens of ms): implementations must not block the event loop meanwhile."""

    async def hash(self, password: str) -> str: ...

    async def verify(self, password_hash: str, password: str) -> bool:
        """Constant-time verification; False on mismatch or a malformed hash."""
        ...

    async def dummy_verify(self) -> None:
        """Spend the time of one verification: used when the account does not exist."""
        ...


class AttemptCounter(Protocol):
    """Counts failed attempts per key within a window (login throttling); shared across processes
    when backed by the key-value port."""

    async def count(self, key: str) -> tuple[int, int]:
        """(failures in the current window, seconds until the window ends)."""
        ...

    async def hit(self, key: str, window_s: int) -> int: ...

    async def reset(self, key: str) -> None: ...
