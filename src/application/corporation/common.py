"""What the corporation use cases share: their ports and audit step, the manager check, the 'leave
unchanged' marker, DTOs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any, ClassVar, TypedDict, Unpack

from application.common.actor import Actor
from crossdomain.audit import AuditRecorder, AuditResult
from crossdomain.permission import Action, PermissionChecker, Resource, ResourceKind
from domain.common.ports import Clock, IdGenerator, UnitOfWorkFactory
from domain.corporation.entities import Corporation, Department
from domain.corporation.ports import CorporationRepository, DepartmentRepository, EmployeeRepository


class Keep(Enum):
    """An update field that was not sent: different from None, which clears (e.g. 'no parent')."""

    KEEP = "keep"


KEEP = Keep.KEEP


ORGANIZATION = Resource.platform(ResourceKind.ORGANIZATION)


async def require_manager(permissions: PermissionChecker, actor: Actor) -> None:
    """Managing the organisation (and its admin views) takes `manage` on `organization` globally:
    super admins, and anyone a custom global role delegates it to. Checked before any lookup, so
    ids leak nothing; raises PermissionDenied (API 403/4101)."""
    await permissions.require(actor, ORGANIZATION, Action.MANAGE)


class OrganisationPorts(TypedDict):
    """What every organisation use case is built with (the composition root passes them by name)."""

    uow: UnitOfWorkFactory
    corporations: CorporationRepository
    departments: DepartmentRepository
    employees: EmployeeRepository
    audit: AuditRecorder
    ids: IdGenerator
    clock: Clock
    permissions: PermissionChecker


class OrganisationService:
    """The base of the corporation, department and employee services: the shared ports, the
    manager check each use case starts with and the audit entry it ends with."""

    target_type: ClassVar[str]  # what the audit log names the changed thing

    def __init__(self, **ports: Unpack[OrganisationPorts]) -> None:
        self._uow = ports["uow"]
        self._corps, self._depts, self._staff = (
            ports["corporations"],
            ports["departments"],
            ports["employees"],
        )
        self._audit, self._ids, self._clock = ports["audit"], ports["ids"], ports["clock"]
        self._permissions = ports["permissions"]

    async def _manager(self, actor: Actor) -> None:
        await require_manager(self._permissions, actor)

    async def _record(self, actor: Actor, action: str, target_id: int, detail: dict[str, Any]) -> None:
        await self._audit.record(
            action, AuditResult.OK, actor, target_type=self.target_type, target_id=target_id, detail=detail
        )


@dataclass(frozen=True, slots=True)
class CorporationDTO:
    id: int
    name: str
    type: str
    parent_id: int | None
    sort: int
    source: str
    creator_id: int | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, c: Corporation) -> CorporationDTO:
        return cls(
            c.id,
            c.name,
            c.type.value,
            c.parent_id,
            c.sort,
            c.source.value,
            c.creator_id,
            c.created_at,
            c.updated_at,
        )


@dataclass(frozen=True, slots=True)
class DepartmentDTO:
    id: int
    corp_id: int
    parent_id: int | None
    name: str
    code: str
    level: int
    full_path: str
    sort: int
    source: str
    creator_id: int | None
    created_at: datetime
    updated_at: datetime


def department_dto(d: Department, all_of_corp: dict[int, Department]) -> DepartmentDTO:
    """With its level and path of names, computed from the corporation's departments."""
    names = [d.name]
    seen = {d.id}
    parent = all_of_corp.get(d.parent_id) if d.parent_id is not None else None
    while parent is not None and parent.id not in seen:
        names.append(parent.name)
        seen.add(parent.id)
        parent = all_of_corp.get(parent.parent_id) if parent.parent_id is not None else None
    return DepartmentDTO(
        d.id,
        d.corp_id,
        d.parent_id,
        d.name,
        d.code,
        len(names),
        "/".join(reversed(names)),
        d.sort,
        d.source.value,
        d.creator_id,
        d.created_at,
        d.updated_at,
    )
