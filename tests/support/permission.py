"""In-memory stand-ins for the permission context's ports, for unit tests and the benchmark."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import Self

from application.permission.checker import CachedPermissionChecker
from domain.permission.entities import BUILTIN_ROLES, Grant, PermissionEntry, Role
from domain.permission.values import DomainKind
from infra.permission.casbin_engine import CasbinPolicyEngine


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


class _FixedClock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


class Permissions:
    """The real CachedPermissionChecker on in-memory roles and grants, for services' unit tests:
    super admins may do everything; `grant_global` hands someone a custom global role."""

    START = datetime(2026, 1, 1, tzinfo=UTC)

    def __init__(self) -> None:
        self.roles, self.grants = Roles(self.START), Grants()
        self.checker = CachedPermissionChecker(
            NoTransaction,
            self.roles,
            self.grants,
            CasbinPolicyEngine(),
            Membership(),
            _FixedClock(self.START),
        )

    def grant_global(self, user_id: int, *entries: PermissionEntry) -> None:
        role_id = 100 + len(self.roles.roles)
        self.roles.roles[role_id] = Role.custom(
            role_id, f"custom_{role_id}", "Custom", DomainKind.GLOBAL, list(entries), self.START
        )
        self.grants.grants.append(Grant(role_id, user_id, role_id, "global", self.START))
        self.checker.invalidate()
