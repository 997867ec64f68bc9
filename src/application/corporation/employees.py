"""Employees: people in departments, optionally linked to a platform account (organisation managers only)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Unpack

from application.common.actor import Actor
from application.common.paging import Page, bounded
from application.corporation.common import KEEP, Keep, OrganisationPorts, OrganisationService, department_dto
from crossdomain.user import UserDirectory
from domain.corporation.entities import Employee, Membership, checked_placement
from domain.corporation.errors import (
    CorporationNotFound,
    DepartmentNotFound,
    EmployeeNotFound,
    EmployeeNumberTaken,
    LinkedUserNotFound,
    UserAlreadyLinked,
)
from domain.corporation.ports import (
    EmployeeQuery,
)
from domain.corporation.services import children_map, descendants, placement_corporation
from domain.corporation.values import (
    MAX_NAME,
    MAX_POSITION,
    EmployeeStatus,
    checked_email,
    checked_employee_no,
    checked_mobile,
    checked_name,
    checked_text,
)


@dataclass(frozen=True, slots=True)
class PlacementDTO:
    department_id: int
    department_name: str
    corp_id: int
    corp_name: str
    is_primary: bool
    department_path: str


@dataclass(frozen=True, slots=True)
class EmployeeDTO:
    id: int
    corp_id: int
    name: str
    employee_no: str | None
    email: str
    mobile: str
    position: str
    status: str
    user_id: int | None
    departments: list[PlacementDTO]
    source: str
    resigned_at: datetime | None
    resign_reason: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class EmployeeFields:
    """What an admin types in for a person; None leaves a field unchanged on update."""

    name: str | None = None
    employee_no: str | None = None  # "" clears the number
    email: str | None = None
    mobile: str | None = None
    position: str | None = None


@dataclass(frozen=True, slots=True)
class EmployeeFilter:
    corp_id: int | None = None
    department_id: int | None = None
    include_sub_departments: bool = False
    keyword: str = ""
    status: EmployeeStatus | None = None


class EmployeeService(OrganisationService):
    target_type = "employee"

    def __init__(self, users: UserDirectory, **ports: Unpack[OrganisationPorts]) -> None:
        super().__init__(**ports)
        self._users = users

    async def create(
        self, actor: Actor, fields: EmployeeFields, places: list[Membership], user_id: int | None = None
    ) -> EmployeeDTO:
        await self._manager(actor)
        now = self._clock.now()
        places = checked_placement(places)
        employee = Employee(
            self._ids.next_id(),
            0,
            checked_name(fields.name or ""),
            now,
            now,
            employee_no=checked_employee_no(fields.employee_no),
            email=checked_email(fields.email),
            mobile=checked_mobile(fields.mobile),
            position=checked_text(fields.position, "position", MAX_POSITION),
            user_id=user_id,
            creator_id=actor.user_id,
        )
        async with self._uow() as uow:
            employee.place(await self._placement_corporation(places), places, now)
            await self._check_unique(employee)
            await self._staff.add(employee)
            await uow.commit()
            dto = (await self._assemble([employee]))[0]
        await self._record(
            actor, "corporation.employee.create", employee.id, {"corp_id": str(employee.corp_id)}
        )
        return dto

    async def get(self, actor: Actor, employee_id: int) -> EmployeeDTO:
        await self._manager(actor)
        async with self._uow():
            return (await self._assemble([await self._existing(employee_id)]))[0]

    async def update(
        self, actor: Actor, employee_id: int, fields: EmployeeFields, user_id: int | Keep | None = KEEP
    ) -> EmployeeDTO:
        await self._manager(actor)
        changed: dict[str, Any] = {}
        async with self._uow() as uow:
            employee = await self._existing(employee_id)
            if fields.name is not None:
                employee.name = changed["name"] = checked_name(fields.name)
            if fields.employee_no is not None:
                employee.employee_no = checked_employee_no(fields.employee_no)
                changed["employee_no"] = employee.employee_no or ""
            if fields.email is not None:
                employee.email = checked_email(fields.email)
                changed["email"] = True  # personal data stays out of the audit log
            if fields.mobile is not None:
                employee.mobile = checked_mobile(fields.mobile)
                changed["mobile"] = True
            if fields.position is not None:
                employee.position = changed["position"] = checked_text(
                    fields.position, "position", MAX_POSITION
                )
            if not isinstance(user_id, Keep):
                employee.user_id = user_id
                changed["user_id"] = "" if user_id is None else str(user_id)
            await self._check_unique(employee)
            employee.updated_at = self._clock.now()
            await self._staff.save(employee)
            await uow.commit()
            dto = (await self._assemble([employee]))[0]
        await self._record(actor, "corporation.employee.update", employee.id, changed)
        return dto

    async def delete(self, actor: Actor, employee_id: int) -> None:
        await self._manager(actor)
        async with self._uow() as uow:
            employee = await self._existing(employee_id)
            await self._staff.delete(employee_id)
            await uow.commit()
        await self._record(
            actor, "corporation.employee.delete", employee.id, {"corp_id": str(employee.corp_id)}
        )

    async def search(
        self, actor: Actor, spec: EmployeeFilter, page: int = 1, page_size: int = 20
    ) -> Page[EmployeeDTO]:
        await self._manager(actor)
        size = bounded(page_size)
        async with self._uow():
            if spec.corp_id is not None and await self._corps.get(spec.corp_id) is None:
                raise CorporationNotFound()
            department_ids = None
            if spec.department_id is not None:
                dept = await self._depts.get(spec.department_id)
                if dept is None or spec.corp_id not in (None, dept.corp_id):
                    raise DepartmentNotFound()
                department_ids = {dept.id}
                if spec.include_sub_departments:
                    parents = {d.id: d.parent_id for d in await self._depts.of_corporation(dept.corp_id)}
                    department_ids |= descendants(dept.id, children_map(parents))
            query = EmployeeQuery(
                spec.corp_id,
                None if department_ids is None else frozenset(department_ids),
                spec.keyword.strip()[:MAX_NAME],
                spec.status,
            )
            found, total = await self._staff.search(query, max(page - 1, 0) * size, size)
            items = await self._assemble(found)
        return Page(items, total, page * size < total)

    async def resign(self, actor: Actor, employee_id: int, reason: str = "") -> EmployeeDTO:
        await self._manager(actor)
        async with self._uow() as uow:
            employee = await self._existing(employee_id)
            left = [str(m.department_id) for m in employee.memberships]
            employee.resign(reason, self._clock.now())
            await self._staff.save(employee)
            await uow.commit()
            dto = (await self._assemble([employee]))[0]
        await self._record(actor, "corporation.employee.resign", employee.id, {"departments": left})
        return dto

    async def restore(self, actor: Actor, employee_id: int, places: list[Membership]) -> EmployeeDTO:
        await self._manager(actor)
        return await self._reposition(actor, employee_id, places, restore=True)

    async def change_departments(
        self, actor: Actor, employee_id: int, places: list[Membership]
    ) -> EmployeeDTO:
        await self._manager(actor)
        return await self._reposition(actor, employee_id, places, restore=False)

    async def _reposition(
        self, actor: Actor, employee_id: int, places: list[Membership], *, restore: bool
    ) -> EmployeeDTO:
        places = checked_placement(places)
        async with self._uow() as uow:
            employee = await self._existing(employee_id)
            corp_id = await self._placement_corporation(places)
            now = self._clock.now()
            if restore:
                employee.restore(corp_id, places, now)
            else:
                employee.place(corp_id, places, now)
            await self._check_unique(employee)  # moving to another corporation: its numbers and links
            await self._staff.save(employee)
            await uow.commit()
            dto = (await self._assemble([employee]))[0]
        detail = {
            "corp_id": str(corp_id),
            "departments": [str(m.department_id) for m in employee.memberships],
            "primary": str(employee.primary_department_id),
        }
        action = "corporation.employee.restore" if restore else "corporation.employee.move"
        await self._record(actor, action, employee.id, detail)
        return dto

    async def _placement_corporation(self, places: Sequence[Membership]) -> int:
        wanted = [m.department_id for m in places]
        found = await self._depts.get_many(wanted)
        if len(found) != len(set(wanted)):
            raise DepartmentNotFound()
        return placement_corporation(found)

    async def _check_unique(self, employee: Employee) -> None:
        """Employee numbers and account links are unique within the employee's corporation."""
        if employee.employee_no is not None:
            other = await self._staff.by_number(employee.corp_id, employee.employee_no)
            if other is not None and other.id != employee.id:
                raise EmployeeNumberTaken(employee_no=employee.employee_no)
        if employee.user_id is not None:
            if not await self._users.is_active_user(employee.user_id):
                raise LinkedUserNotFound()
            other = await self._staff.by_user(employee.corp_id, employee.user_id)
            if other is not None and other.id != employee.id:
                raise UserAlreadyLinked()

    async def _existing(self, employee_id: int) -> Employee:
        employee = await self._staff.get(employee_id)
        if employee is None:
            raise EmployeeNotFound()
        return employee

    async def _assemble(self, employees: Sequence[Employee]) -> list[EmployeeDTO]:
        corps = {c.id: c for c in await self._corps.all()}
        departments = {}
        for corp_id in {e.corp_id for e in employees}:
            departments[corp_id] = {d.id: d for d in await self._depts.of_corporation(corp_id)}
        result = []
        for e in employees:
            own = departments.get(e.corp_id, {})
            corp_name = corps[e.corp_id].name if e.corp_id in corps else ""
            places = []
            for m in sorted(e.memberships, key=lambda m: (not m.is_primary, m.department_id)):
                if m.department_id in own:
                    d = department_dto(own[m.department_id], own)
                    places.append(PlacementDTO(d.id, d.name, e.corp_id, corp_name, m.is_primary, d.full_path))
            result.append(
                EmployeeDTO(
                    e.id,
                    e.corp_id,
                    e.name,
                    e.employee_no,
                    e.email,
                    e.mobile,
                    e.position,
                    e.status.value,
                    e.user_id,
                    places,
                    e.source.value,
                    e.resigned_at,
                    e.resign_reason,
                    e.created_at,
                    e.updated_at,
                )
            )
        return result
