from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from domain.corporation.entities import Corporation, Department, Employee
from domain.corporation.values import CorporationType, EmployeeStatus


@dataclass(frozen=True, slots=True)
class CorporationQuery:
    keyword: str = ""
    parent_id: int | None = None
    type: CorporationType | None = None


@dataclass(frozen=True, slots=True)
class DepartmentQuery:
    corp_id: int
    parent_id: int | None = None
    keyword: str = ""


@dataclass(frozen=True, slots=True)
class EmployeeQuery:
    corp_id: int | None = None
    department_ids: frozenset[int] | None = None  # any of these departments
    keyword: str = ""  # name, mobile, email or employee number contains it
    status: EmployeeStatus | None = None


class CorporationRepository(Protocol):
    async def get(self, corp_id: int) -> Corporation | None: ...

    async def add(self, corp: Corporation) -> None: ...

    async def save(self, corp: Corporation) -> None: ...

    async def delete(self, corp_id: int) -> None: ...

    async def all(self) -> Sequence[Corporation]:
        """Every corporation, ordered by sort then id."""
        ...

    async def search(
        self, query: CorporationQuery, offset: int, limit: int
    ) -> tuple[Sequence[Corporation], int]: ...


class DepartmentRepository(Protocol):
    async def get(self, department_id: int) -> Department | None: ...

    async def get_many(self, department_ids: Sequence[int]) -> Sequence[Department]: ...

    async def add(self, department: Department) -> None: ...

    async def save(self, department: Department) -> None: ...

    async def delete(self, department_id: int) -> None: ...

    async def of_corporation(self, corp_id: int) -> Sequence[Department]:
        """Every department of the corporation, ordered by sort then id."""
        ...

    async def all(self) -> Sequence[Department]: ...

    async def count_in_corporation(self, corp_id: int) -> int: ...

    async def search(
        self, query: DepartmentQuery, offset: int, limit: int
    ) -> tuple[Sequence[Department], int]: ...


class EmployeeRepository(Protocol):
    async def get(self, employee_id: int) -> Employee | None: ...

    async def add(self, employee: Employee) -> None: ...

    async def save(self, employee: Employee) -> None:
        """Stores the employee and replaces its department memberships."""
        ...

    async def delete(self, employee_id: int) -> None: ...

    async def by_number(self, corp_id: int, employee_no: str) -> Employee | None: ...

    async def by_user(self, corp_id: int, user_id: int) -> Employee | None: ...

    async def count_in_corporation(self, corp_id: int) -> int:
        """Employees of the corporation, resigned ones included (they still belong to it)."""
        ...

    async def count_in_department(self, department_id: int) -> int: ...

    async def active_placements(self, corp_id: int | None = None) -> Sequence[tuple[int, int, int]]:
        """(corp_id, department_id, employee_id) for every membership of an active employee (of one
        corporation when `corp_id` is given)."""
        ...

    async def search(
        self, query: EmployeeQuery, offset: int, limit: int
    ) -> tuple[Sequence[Employee], int]: ...
