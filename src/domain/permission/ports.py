from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.permission.entities import Grant, Role


class RoleRepository(Protocol):
    """Used inside a unit of work."""

    async def get(self, role_id: int) -> Role | None: ...

    async def get_by_code(self, code: str) -> Role | None: ...

    async def list(
        self, offset: int, limit: int, keyword: str = "", builtin: bool | None = None
    ) -> tuple[Sequence[Role], int]: ...

    async def all(self) -> Sequence[Role]: ...

    async def add(self, role: Role) -> None: ...

    async def save(self, role: Role) -> None: ...

    async def delete(self, role_id: int) -> None: ...


class GrantRepository(Protocol):
    """Used inside a unit of work."""

    async def find(self, user_id: int, role_id: int, domain: str) -> Grant | None: ...

    async def of_user(self, user_id: int) -> Sequence[Grant]: ...

    async def count_for_role(self, role_id: int) -> int: ...

    async def active(self, now: datetime) -> Sequence[Grant]: ...

    async def put(self, grant: Grant) -> None: ...

    async def remove(self, grant_id: int) -> None: ...


@dataclass(frozen=True, slots=True)
class PolicyLine:
    subject: str  # "role:<code>"
    domain: str  # "*", "space:*"
    obj: str  # "*", "agent:*", "agent:42"
    action: str  # an Action or "*"
    effect: str  # "allow" | "deny"


@dataclass(frozen=True, slots=True)
class GroupingLine:
    user: str  # "user:<id>"
    role: str  # "role:<code>"
    domain: str  # "global" | "space:<id>"


@dataclass(frozen=True, slots=True)
class PolicySnapshot:
    policies: Sequence[PolicyLine]
    groupings: Sequence[GroupingLine]
    next_expiry: datetime | None  # the earliest future grant expiry: the snapshot is stale from then


class PolicyDecider(Protocol):
    def allowed(self, user: str, derived_roles: tuple[str, ...], domain: str, obj: str, action: str) -> bool:
        """Deny wins over allow; no matching allow means no."""
        ...


class PolicyEngine(Protocol):
    def build(self, snapshot: PolicySnapshot) -> PolicyDecider:
        """A new, independent decider; the old one keeps answering until it is replaced."""
        ...
