from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from domain.openauth.errors import ScopeNotGranted, SpaceNotGranted
from domain.openauth.values import Scope

LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(slots=True)
class PersonalAccessToken:
    id: int
    user_id: int
    name: str
    secret_hash: str
    created_at: datetime
    updated_at: datetime
    expires_at: datetime
    scopes: frozenset[Scope] = field(default_factory=frozenset)
    space_id: int | None = None
    last_used_at: datetime | None = None

    def valid_at(self, now: datetime) -> bool:
        return now < self.expires_at

    def allows(self, scope: Scope) -> None:
        if self.scopes and scope not in self.scopes:
            raise ScopeNotGranted(scope=scope.value)

    def allows_space(self, space_id: int) -> None:
        if self.space_id is not None and self.space_id != space_id:
            raise SpaceNotGranted()

    def needs_touch(self, now: datetime) -> bool:
        """`last_used_at` is written at most once a minute: a hot token must not write on every call."""
        return self.last_used_at is None or now - self.last_used_at >= LAST_USED_RESOLUTION
