"""In-memory repositories of the organisation tree, kept in a FakeStore so its unit of work rolls back."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from domain.corporation.entities import Corporation, Department, Employee
from domain.corporation.ports import CorporationQuery, DepartmentQuery, EmployeeQuery
from domain.corporation.values import EmployeeStatus
from tests.support.fakes import FakeStore


class _Table:
    def __init__(self, store: FakeStore, name: str) -> None:
        self.store, self.name = store, name
        store.tables.setdefault(name, {})

    @property
    def rows(self) -> dict[Any, Any]:
        return self.store.tables[self.name]


def _page(items: list[Any], offset: int, limit: int) -> tuple[list[Any], int]:
    return [copy.deepcopy(i) for i in items[offset : offset + limit]], len(items)


class InMemoryCorporations(_Table):
    def __init__(self, store: FakeStore) -> None:
        super().__init__(store, "corporations")

    async def get(self, corp_id: int) -> Corporation | None:
        return copy.deepcopy(self.rows.get(corp_id))

    async def add(self, corp: Corporation) -> None:
        self.rows[corp.id] = copy.deepcopy(corp)

    async def save(self, corp: Corporation) -> None:
        self.rows[corp.id] = copy.deepcopy(corp)

    async def delete(self, corp_id: int) -> None:
        self.rows.pop(corp_id, None)

    async def all(self) -> Sequence[Corporation]:
        return [copy.deepcopy(c) for c in sorted(self.rows.values(), key=lambda c: (c.sort, c.id))]

    async def search(
        self, query: CorporationQuery, offset: int, limit: int
    ) -> tuple[Sequence[Corporation], int]:
        found = [
            c
            for c in await self.all()
            if query.keyword.lower() in c.name.lower()
            and query.parent_id in (None, c.parent_id)
            and query.type in (None, c.type)
        ]
        return _page(found, offset, limit)


class InMemoryDepartments(_Table):
    def __init__(self, store: FakeStore) -> None:
        super().__init__(store, "departments")

    async def get(self, department_id: int) -> Department | None:
        return copy.deepcopy(self.rows.get(department_id))

    async def get_many(self, department_ids: Sequence[int]) -> Sequence[Department]:
        return [copy.deepcopy(self.rows[i]) for i in set(department_ids) if i in self.rows]

    async def add(self, department: Department) -> None:
        self.rows[department.id] = copy.deepcopy(department)

    async def save(self, department: Department) -> None:
        self.rows[department.id] = copy.deepcopy(department)

    async def delete(self, department_id: int) -> None:
        self.rows.pop(department_id, None)

    async def all(self) -> Sequence[Department]:
        return [copy.deepcopy(d) for d in sorted(self.rows.values(), key=lambda d: (d.sort, d.id))]

    async def of_corporation(self, corp_id: int) -> Sequence[Department]:
        return [d for d in await self.all() if d.corp_id == corp_id]

    async def count_in_corporation(self, corp_id: int) -> int:
        return len(await self.of_corporation(corp_id))

    async def search(
        self, query: DepartmentQuery, offset: int, limit: int
    ) -> tuple[Sequence[Department], int]:
        found = [
            d
            for d in await self.of_corporation(query.corp_id)
            if query.parent_id in (None, d.parent_id) and query.keyword.lower() in d.name.lower()
        ]
        return _page(found, offset, limit)


class InMemoryEmployees(_Table):
    def __init__(self, store: FakeStore) -> None:
        super().__init__(store, "employees")

    async def get(self, employee_id: int) -> Employee | None:
        return copy.deepcopy(self.rows.get(employee_id))

    async def add(self, employee: Employee) -> None:
        self.rows[employee.id] = copy.deepcopy(employee)

    async def save(self, employee: Employee) -> None:
        self.rows[employee.id] = copy.deepcopy(employee)

    async def delete(self, employee_id: int) -> None:
        self.rows.pop(employee_id, None)

    def _all(self) -> list[Employee]:
        return sorted(self.rows.values(), key=lambda e: e.id)

    async def by_number(self, corp_id: int, employee_no: str) -> Employee | None:
        found = [e for e in self._all() if e.corp_id == corp_id and e.employee_no == employee_no]
        return copy.deepcopy(found[0]) if found else None

    async def by_user(self, corp_id: int, user_id: int) -> Employee | None:
        found = [e for e in self._all() if e.corp_id == corp_id and e.user_id == user_id]
        return copy.deepcopy(found[0]) if found else None

    async def count_in_corporation(self, corp_id: int) -> int:
        return sum(1 for e in self._all() if e.corp_id == corp_id)

    async def count_in_department(self, department_id: int) -> int:
        return sum(1 for e in self._all() for m in e.memberships if m.department_id == department_id)

    async def active_placements(self, corp_id: int | None = None) -> Sequence[tuple[int, int, int]]:
        return [
            (e.corp_id, m.department_id, e.id)
            for e in self._all()
            if e.status is EmployeeStatus.ACTIVE and corp_id in (None, e.corp_id)
            for m in e.memberships
        ]

    async def search(self, query: EmployeeQuery, offset: int, limit: int) -> tuple[Sequence[Employee], int]:
        def matches(e: Employee) -> bool:
            text = " ".join([e.name, e.mobile, e.email, e.employee_no or ""]).lower()
            return (
                query.corp_id in (None, e.corp_id)
                and query.status in (None, e.status)
                and query.keyword.lower() in text
                and (
                    query.department_ids is None
                    or any(m.department_id in query.department_ids for m in e.memberships)
                )
            )

        return _page([e for e in self._all() if matches(e)], offset, limit)


class FakeUserDirectory:
    def __init__(self, active: set[int]) -> None:
        self.active = active

    async def is_active_user(self, user_id: int) -> bool:
        return user_id in self.active
