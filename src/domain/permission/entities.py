"""Roles (built-in and custom), their permission entries, and user-role grants."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from crossdomain.permission import Action
from domain.permission.errors import BuiltinRoleLocked, DerivedRole, InvalidDomain, InvalidPermission
from domain.permission.values import (
    MAX_ENTRIES,
    DomainKind,
    Effect,
    checked_entry,
    checked_role_code,
    checked_role_name,
    kind_of,
)

SUPER_ADMIN = "super_admin"
SPACE_OWNER = "space_owner"
SPACE_ADMIN = "space_admin"
SPACE_MEMBER = "space_member"
# Space membership role ('owner', 'admin', 'member') -> the built-in role it stands for.
SPACE_ROLE_CODES = {"owner": SPACE_OWNER, "admin": SPACE_ADMIN, "member": SPACE_MEMBER}


@dataclass(frozen=True, slots=True)
class PermissionEntry:
    """Allow or deny `action` ('*' = every action) on `resource:object_id` ('*' = every object)."""

    resource: str
    action: str
    effect: Effect = Effect.ALLOW
    object_id: str = "*"

    @property
    def obj(self) -> str:
        return "*" if self.resource == "*" else f"{self.resource}:{self.object_id}"


@dataclass(slots=True)
class Role:
    id: int
    code: str
    name: str
    domain_kind: DomainKind
    created_at: datetime
    updated_at: datetime
    description: str = ""
    builtin: bool = False
    disabled: bool = False
    permissions: list[PermissionEntry] = field(default_factory=list)
    created_by: int | None = None

    @classmethod
    def custom(
        cls,
        role_id: int,
        code: str,
        name: str,
        kind: DomainKind,
        permissions: list[PermissionEntry],
        now: datetime,
        description: str = "",
        created_by: int | None = None,
    ) -> Role:
        role = cls(
            role_id,
            checked_role_code(code),
            checked_role_name(name),
            kind,
            now,
            now,
            description=description.strip()[:500],
            created_by=created_by,
        )
        role.set_permissions(permissions, now)
        return role

    @property
    def subject(self) -> str:
        return f"role:{self.code}"

    @property
    def derived(self) -> bool:
        """Held through the superuser flag or space membership, never through explicit grants."""
        return self.builtin

    def set_permissions(self, permissions: list[PermissionEntry], now: datetime) -> None:
        if self.code == SUPER_ADMIN:
            raise BuiltinRoleLocked()
        if len(permissions) > MAX_ENTRIES:
            raise InvalidPermission(detail=f"at most {MAX_ENTRIES} entries")
        for entry in permissions:
            checked_entry(entry.resource, entry.action, entry.object_id, self.domain_kind)
        self.permissions = list(dict.fromkeys(permissions))  # drop exact duplicates, keep order
        self.updated_at = now

    def rename(self, name: str | None, description: str | None, now: datetime) -> None:
        if self.builtin and name is not None and name.strip() != self.name:
            raise BuiltinRoleLocked()
        if name is not None:
            self.name = checked_role_name(name)
        if description is not None:
            self.description = description.strip()[:500]
        self.updated_at = now

    def set_disabled(self, disabled: bool, now: datetime) -> None:
        if self.builtin and disabled:
            raise BuiltinRoleLocked()
        self.disabled, self.updated_at = disabled, now

    def check_deletable(self) -> None:
        if self.builtin:
            raise BuiltinRoleLocked()


@dataclass(slots=True)
class Grant:
    """A user holds a custom role in a domain ('global' or 'space:<id>'), until `expires_at` if set."""

    id: int
    user_id: int
    role_id: int
    domain: str
    created_at: datetime
    assigned_by: int | None = None
    expires_at: datetime | None = None

    def active_at(self, now: datetime) -> bool:
        return self.expires_at is None or now < self.expires_at


def check_grantable(role: Role, domain: str, expires_at: datetime | None, now: datetime) -> None:
    if role.derived:
        raise DerivedRole(role=role.code)
    if kind_of(domain) is not role.domain_kind:
        raise InvalidDomain(domain=domain)
    if expires_at is not None and expires_at <= now:
        raise InvalidPermission(detail="expires_at must be in the future")


def _entries(*specs: tuple[str, tuple[str, ...]]) -> list[PermissionEntry]:
    return [PermissionEntry(resource, action) for resource, actions in specs for action in actions]


_MEMBER_WORK = ("create", "read", "execute")
_MEMBER_DATA = ("create", "read")

# The built-in roles the migration seeds (ids 1-4). Their rights are data and may be edited, except
# super_admin's, which stays everything-everywhere so that the platform can never lock out its admins.
BUILTIN_ROLES: tuple[tuple[int, str, str, DomainKind, list[PermissionEntry]], ...] = (
    (1, SUPER_ADMIN, "Super admin", DomainKind.GLOBAL, [PermissionEntry("*", "*")]),
    (2, SPACE_OWNER, "Space owner", DomainKind.SPACE, [PermissionEntry("*", "*")]),
    (
        3,
        SPACE_ADMIN,
        "Space admin",
        DomainKind.SPACE,
        _entries(
            *(
                (r, ("*",))
                for r in ("agent", "workflow", "knowledge", "plugin", "database", "file", "prompt")
            ),
            ("space", (Action.READ.value, Action.UPDATE.value)),
            ("member", ("*",)),
        ),
    ),
    (
        4,
        SPACE_MEMBER,
        "Space member",
        DomainKind.SPACE,
        _entries(
            *((r, _MEMBER_WORK) for r in ("agent", "workflow", "plugin")),
            *((r, _MEMBER_DATA) for r in ("knowledge", "database", "file", "prompt")),
            ("space", (Action.READ.value,)),
            ("member", (Action.READ.value,)),
        ),
    ),
)


def policy_domain(kind: DomainKind) -> str:
    """A global role's rights hold in every domain; a space role's in the space it is held in."""
    return "*" if kind is DomainKind.GLOBAL else "space:*"
