from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.user.values import Email, UserStatus


@dataclass(slots=True)
class User:
    id: int
    email: Email
    name: str
    unique_name: str
    password_hash: str
    is_superuser: bool
    status: UserStatus
    created_at: datetime
    updated_at: datetime
    description: str = ""
    avatar_url: str = ""
    locale: str = "en-US"

    @property
    def active(self) -> bool:
        return self.status is UserStatus.ACTIVE


@dataclass(slots=True)
class Session:
    """A browser session. Only a keyed hash of its secret is stored; revoking is setting revoked_at."""

    id: int
    user_id: int
    secret_hash: str
    created_at: datetime
    expires_at: datetime
    ip: str = ""
    user_agent: str = ""
    revoked_at: datetime | None = None

    def valid_at(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at
