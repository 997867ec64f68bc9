"""The one question every context asks the permission context: may this caller do this here?

The question is typed: a `Resource` (its kind, one object or all of the kind, and the space or the
platform it lives in) and an `Action`. The policy strings casbin matches ('space:42', 'agent:7',
'agent:*') are derived from the reference in one place, so no call site builds them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

GLOBAL_DOMAIN = "global"
_MAX_ID = 10**19 - 1  # ids are 1-19 digits in the policy strings


class Action(StrEnum):
    CREATE = "create"
    READ = "read"
    UPDATE = "update"
    DELETE = "delete"
    EXECUTE = "execute"
    PUBLISH = "publish"
    MANAGE = "manage"


class ResourceKind(StrEnum):
    """Every kind of resource a right can name: the role catalogue's plus the system ones."""

    AGENT = "agent"
    WORKFLOW = "workflow"
    KNOWLEDGE = "knowledge"
    PLUGIN = "plugin"
    DATABASE = "database"
    FILE = "file"
    PROMPT = "prompt"
    SPACE = "space"
    MEMBER = "member"
    MODEL = "model"
    ORGANIZATION = "organization"
    PERMISSION = "permission"  # system: only super_admin's wildcard reaches it
    ADMIN = "admin"  # system: the admin console


def _checked_id(name: str, value: int | None) -> None:
    if value is not None and (
        isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= _MAX_ID
    ):
        raise ValueError(f"{name} must be a positive id, not {value!r}")


@dataclass(frozen=True, slots=True)
class Resource:
    """What a right is asked about. `object_id` None means any object of the kind (e.g. to create
    one); `space_id` None means the platform (the global domain). Unknown kinds are refused here."""

    kind: ResourceKind
    object_id: int | None = None
    space_id: int | None = None

    def __post_init__(self) -> None:
        try:
            kind = ResourceKind(self.kind)
        except ValueError:
            raise ValueError(f"unknown resource kind {str(self.kind)[:40]!r}") from None
        object.__setattr__(self, "kind", kind)
        _checked_id("object_id", self.object_id)
        _checked_id("space_id", self.space_id)

    @classmethod
    def platform(cls, kind: ResourceKind) -> Resource:
        """All objects of a kind, platform-wide (the global domain)."""
        return cls(kind)

    @classmethod
    def in_space(cls, kind: ResourceKind, space_id: int, object_id: int | None = None) -> Resource:
        return cls(kind, object_id, space_id)

    @property
    def domain(self) -> str:
        return GLOBAL_DOMAIN if self.space_id is None else f"space:{self.space_id}"

    @property
    def obj(self) -> str:
        return f"{self.kind.value}:{'*' if self.object_id is None else self.object_id}"

    def any_of_kind(self) -> Resource:
        """The same kind in the same place, any object."""
        return Resource(self.kind, None, self.space_id)


class Principal(Protocol):
    """Who asks: an application Actor satisfies this."""

    @property
    def user_id(self) -> int: ...

    @property
    def is_superuser(self) -> bool: ...


class PermissionChecker(Protocol):
    """Role-based rights on a resource, in the domain it lives in ('global' or 'space:<id>').

    Rights come from explicit grants of custom roles, from the superuser flag (super_admin) and from
    space membership (space_owner / space_admin / space_member). Deny wins over allow. Token scopes
    and resource visibility (404 for other spaces) stay with the caller.
    """

    async def check(self, actor: Principal, resource: Resource, action: Action) -> bool: ...

    async def require(self, actor: Principal, resource: Resource, action: Action) -> None:
        """Like check, raising domain.common.errors.PermissionDenied (API code 4101) when refused."""
        ...
