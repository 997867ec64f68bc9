from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from domain.corporation.errors import EmployeeStatusConflict, InvalidPlacement
from domain.corporation.values import (
    MAX_DEPARTMENTS_PER_EMPLOYEE,
    MAX_REASON,
    CorporationType,
    DataSource,
    EmployeeStatus,
    checked_text,
)


@dataclass(slots=True)
class Corporation:
    id: int
    name: str
    type: CorporationType
    created_at: datetime
    updated_at: datetime
    parent_id: int | None = None
    sort: int = 0
    source: DataSource = DataSource.MANUAL
    creator_id: int | None = None


@dataclass(slots=True)
class Department:
    id: int
    corp_id: int
    name: str
    created_at: datetime
    updated_at: datetime
    parent_id: int | None = None
    code: str = ""
    sort: int = 0
    source: DataSource = DataSource.MANUAL
    creator_id: int | None = None


@dataclass(frozen=True, slots=True)
class Membership:
    """An employee's place in one department; exactly one of an employee's places is primary."""

    department_id: int
    is_primary: bool = False


def checked_placement(places: list[Membership]) -> list[Membership]:
    """At least one department, none twice, exactly one primary (the only one is primary by default)."""
    if not places:
        raise InvalidPlacement(reason="an active employee belongs to at least one department")
    if len(places) > MAX_DEPARTMENTS_PER_EMPLOYEE:
        raise InvalidPlacement(reason=f"at most {MAX_DEPARTMENTS_PER_EMPLOYEE} departments")
    if len({p.department_id for p in places}) != len(places):
        raise InvalidPlacement(reason="a department is listed twice")
    if len(places) == 1:
        return [Membership(places[0].department_id, True)]
    primaries = sum(1 for p in places if p.is_primary)
    if primaries != 1:
        raise InvalidPlacement(reason="exactly one department must be primary")
    return list(places)


@dataclass(slots=True)
class Employee:
    id: int
    corp_id: int
    name: str
    created_at: datetime
    updated_at: datetime
    employee_no: str | None = None
    email: str = ""
    mobile: str = ""
    position: str = ""
    status: EmployeeStatus = EmployeeStatus.ACTIVE
    user_id: int | None = None
    memberships: list[Membership] = field(default_factory=list)
    source: DataSource = DataSource.MANUAL
    resigned_at: datetime | None = None
    resign_reason: str = ""
    creator_id: int | None = None

    @property
    def primary_department_id(self) -> int | None:
        return next((m.department_id for m in self.memberships if m.is_primary), None)

    def place(self, corp_id: int, places: list[Membership], now: datetime) -> None:
        """Move to these departments (all of corporation `corp_id`, checked by the caller)."""
        if self.status is not EmployeeStatus.ACTIVE:
            raise EmployeeStatusConflict(status=self.status.value)
        self.memberships = checked_placement(places)
        self.corp_id = corp_id
        self.updated_at = now

    def resign(self, reason: str, now: datetime) -> None:
        """Leaves every department; the record stays so the person can be restored later."""
        if self.status is EmployeeStatus.RESIGNED:
            raise EmployeeStatusConflict(status=self.status.value)
        self.resign_reason = checked_text(reason, "reason", MAX_REASON)
        self.status = EmployeeStatus.RESIGNED
        self.resigned_at = now
        self.memberships = []
        self.updated_at = now

    def restore(self, corp_id: int, places: list[Membership], now: datetime) -> None:
        if self.status is EmployeeStatus.ACTIVE:
            raise EmployeeStatusConflict(status=self.status.value)
        self.status = EmployeeStatus.ACTIVE
        self.resigned_at = None
        self.resign_reason = ""
        self.place(corp_id, places, now)
