"""In-memory stand-ins for the permission context's ports, for unit tests and the benchmark."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from types import TracebackType
from typing import Self

from domain.permission.entities import BUILTIN_ROLES, Grant, Role


class NoTransaction:
    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None

    def record(self, event: object) -> None:
        return None

    async def commit(self) -> None:
        return None


class Roles:
    def __init__(self, now: datetime) -> None:
        self.roles: dict[int, Role] = {
            i: Role(i, code, name, kind, now, now, builtin=True, permissions=list(p))
            for i, code, name, kind, p in BUILTIN_ROLES
        }
        self.reads = 0

    async def all(self) -> Sequence[Role]:
        self.reads += 1
        return list(self.roles.values())


class Grants:
    def __init__(self) -> None:
        self.grants: list[Grant] = []

    async def active(self, now: datetime) -> Sequence[Grant]:
        return [g for g in self.grants if g.active_at(now)]


class Membership:
    def __init__(self) -> None:
        self.roles: dict[tuple[int, int], str] = {}

    async def role_in(self, space_id: int, user_id: int) -> str | None:
        return self.roles.get((space_id, user_id))


class Who:
    def __init__(self, user_id: int, is_superuser: bool = False) -> None:
        self.user_id, self.is_superuser = user_id, is_superuser
