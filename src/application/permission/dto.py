from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.permission.entities import PermissionEntry, Role
from domain.permission.values import CATALOGUE, DomainKind


@dataclass(frozen=True, slots=True)
class RoleDTO:
    id: int
    code: str
    name: str
    description: str
    domain_kind: str
    builtin: bool
    disabled: bool
    permissions: list[PermissionEntry]
    created_by: int | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, r: Role) -> RoleDTO:
        return cls(
            r.id,
            r.code,
            r.name,
            r.description,
            r.domain_kind.value,
            r.builtin,
            r.disabled,
            list(r.permissions),
            r.created_by,
            r.created_at,
            r.updated_at,
        )


@dataclass(frozen=True, slots=True)
class UserRoleDTO:
    role_id: int
    code: str
    name: str
    domain: str
    derived: bool  # from the superuser flag, not an explicit grant
    assigned_by: int | None
    expires_at: datetime | None
    granted_at: datetime | None


@dataclass(frozen=True, slots=True)
class TemplateResource:
    resource: str
    name: str
    actions: list[str]


@dataclass(frozen=True, slots=True)
class TemplateGroup:
    domain: str
    name: str
    resources: list[TemplateResource]


def template() -> list[TemplateGroup]:
    names = {DomainKind.GLOBAL: "Platform", DomainKind.SPACE: "Space"}
    return [
        TemplateGroup(
            kind.value,
            names[kind],
            [
                TemplateResource(s.resource, s.name, [a.value for a in s.actions])
                for s in CATALOGUE
                if kind in s.kinds
            ],
        )
        for kind in DomainKind
    ]
