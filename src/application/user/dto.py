from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.user.entities import User


@dataclass(frozen=True, slots=True)
class UserDTO:
    id: int
    email: str
    name: str
    unique_name: str
    description: str
    avatar_url: str
    locale: str
    is_superuser: bool
    status: str
    created_at: datetime

    @classmethod
    def of(cls, u: User) -> UserDTO:
        return cls(
            u.id,
            u.email.value,
            u.name,
            u.unique_name,
            u.description,
            u.avatar_url,
            u.locale,
            u.is_superuser,
            u.status.value,
            u.created_at,
        )


@dataclass(frozen=True, slots=True)
class SignedIn:
    user: UserDTO
    cookie: str  # the session cookie value: shown to the browser once, only its hash is stored
    max_age_s: int
