"""Repository of employees and their department memberships (tables in infra/persistence/corporation.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, or_, select

from domain.corporation.entities import Employee, Membership
from domain.corporation.ports import EmployeeQuery
from domain.corporation.values import EmployeeStatus
from infra.persistence.corporation import EmployeeDepartmentRow, EmployeeRow, flush_or_conflict
from infra.persistence.uow import current_session


async def _memberships(employee_ids: Sequence[int]) -> dict[int, list[Membership]]:
    found: dict[int, list[Membership]] = {i: [] for i in employee_ids}
    if not employee_ids:
        return found
    rows = await current_session().execute(
        select(EmployeeDepartmentRow)
        .where(EmployeeDepartmentRow.employee_id.in_(employee_ids))
        .order_by(EmployeeDepartmentRow.employee_id, EmployeeDepartmentRow.department_id)
    )
    for r in rows.scalars():
        found[r.employee_id].append(Membership(r.department_id, r.is_primary))
    return found


async def _entities(rows: Sequence[EmployeeRow]) -> list[Employee]:
    places = await _memberships([r.id for r in rows])
    return [r.to_entity(places[r.id]) for r in rows]


class SqlEmployeeRepository:
    async def get(self, employee_id: int) -> Employee | None:
        row = await current_session().get(EmployeeRow, employee_id)
        return None if row is None else (await _entities([row]))[0]

    async def add(self, employee: Employee) -> None:
        current_session().add(EmployeeRow.of(employee))
        await flush_or_conflict()  # the employee row first: memberships refer to it
        await self._put_memberships(employee)

    async def save(self, employee: Employee) -> None:
        await current_session().merge(EmployeeRow.of(employee))
        await current_session().execute(
            delete(EmployeeDepartmentRow).where(EmployeeDepartmentRow.employee_id == employee.id)
        )
        await flush_or_conflict()
        await self._put_memberships(employee)

    async def _put_memberships(self, employee: Employee) -> None:
        current_session().add_all(
            EmployeeDepartmentRow(
                employee_id=employee.id, department_id=m.department_id, is_primary=m.is_primary
            )
            for m in employee.memberships
        )
        await flush_or_conflict()

    async def delete(self, employee_id: int) -> None:
        session = current_session()
        # Explicit, not only ON DELETE CASCADE: SQLite enforces foreign keys only when asked to.
        await session.execute(
            delete(EmployeeDepartmentRow).where(EmployeeDepartmentRow.employee_id == employee_id)
        )
        await session.execute(delete(EmployeeRow).where(EmployeeRow.id == employee_id))

    async def by_number(self, corp_id: int, employee_no: str) -> Employee | None:
        return await self._one(EmployeeRow.corp_id == corp_id, EmployeeRow.employee_no == employee_no)

    async def by_user(self, corp_id: int, user_id: int) -> Employee | None:
        return await self._one(EmployeeRow.corp_id == corp_id, EmployeeRow.user_id == user_id)

    async def _one(self, *where: Any) -> Employee | None:
        row = (
            await current_session().execute(select(EmployeeRow).where(*where).limit(1))
        ).scalar_one_or_none()
        return None if row is None else (await _entities([row]))[0]

    async def count_in_corporation(self, corp_id: int) -> int:
        total = await current_session().execute(
            select(func.count()).select_from(EmployeeRow).where(EmployeeRow.corp_id == corp_id)
        )
        return int(total.scalar_one())

    async def count_in_department(self, department_id: int) -> int:
        total = await current_session().execute(
            select(func.count())
            .select_from(EmployeeDepartmentRow)
            .where(EmployeeDepartmentRow.department_id == department_id)
        )
        return int(total.scalar_one())

    async def active_placements(self, corp_id: int | None = None) -> Sequence[tuple[int, int, int]]:
        statement = (
            select(EmployeeRow.corp_id, EmployeeDepartmentRow.department_id, EmployeeRow.id)
            .join(EmployeeDepartmentRow, EmployeeDepartmentRow.employee_id == EmployeeRow.id)
            .where(EmployeeRow.status == EmployeeStatus.ACTIVE.value)
        )
        if corp_id is not None:
            statement = statement.where(EmployeeRow.corp_id == corp_id)
        rows = await current_session().execute(statement)
        return [(int(c), int(d), int(e)) for c, d, e in rows.all()]

    async def search(self, query: EmployeeQuery, offset: int, limit: int) -> tuple[Sequence[Employee], int]:
        where: list[Any] = []
        if query.corp_id is not None:
            where.append(EmployeeRow.corp_id == query.corp_id)
        if query.status is not None:
            where.append(EmployeeRow.status == query.status.value)
        if query.department_ids is not None:
            members = select(EmployeeDepartmentRow.employee_id).where(
                EmployeeDepartmentRow.department_id.in_(sorted(query.department_ids))
            )
            where.append(EmployeeRow.id.in_(members))
        if query.keyword:
            # Bound parameters with LIKE wildcards escaped: the keyword is matched as typed.
            where.append(
                or_(
                    EmployeeRow.name.contains(query.keyword, autoescape=True),
                    EmployeeRow.mobile.contains(query.keyword, autoescape=True),
                    EmployeeRow.email.contains(query.keyword, autoescape=True),
                    EmployeeRow.employee_no.contains(query.keyword, autoescape=True),
                )
            )
        session = current_session()
        total = (
            await session.execute(select(func.count()).select_from(EmployeeRow).where(*where))
        ).scalar_one()
        rows = await session.execute(
            select(EmployeeRow).where(*where).order_by(EmployeeRow.id).offset(offset).limit(limit)
        )
        return await _entities(list(rows.scalars())), int(total)
