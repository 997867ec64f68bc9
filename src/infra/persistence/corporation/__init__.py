"""Tables and repositories of the organisation tree: corporations, departments, employees and the
employees' department memberships."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    delete,
    func,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from domain.common.errors import Conflict
from domain.corporation.entities import Corporation, Department, Employee, Membership
from domain.corporation.ports import CorporationQuery, DepartmentQuery
from domain.corporation.values import CorporationType, DataSource, EmployeeStatus
from infra.persistence.base import Base, Int64, UtcDateTime
from infra.persistence.paging import counted_page
from infra.persistence.uow import current_session


class CorporationRow(Base):
    __tablename__ = "corporation"

    id: Mapped[int] = mapped_column(Int64, primary_key=True, autoincrement=False)
    parent_id: Mapped[int | None] = mapped_column(
        Int64, ForeignKey("corporation.id"), nullable=True, index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    corp_type: Mapped[str] = mapped_column(String(16))
    sort: Mapped[int] = mapped_column(Integer, default=0)
    source: Mapped[str] = mapped_column(String(16))
    creator_id: Mapped[int | None] = mapped_column(Int64, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    def to_entity(self) -> Corporation:
        return Corporation(
            id=self.id,
            name=self.name,
            type=CorporationType(self.corp_type),
            created_at=self.created_at,
            updated_at=self.updated_at,
            parent_id=self.parent_id,
            sort=self.sort,
            source=DataSource(self.source),
            creator_id=self.creator_id,
        )

    @classmethod
    def of(cls, c: Corporation) -> CorporationRow:
        return cls(
            id=c.id,
            parent_id=c.parent_id,
            name=c.name,
            corp_type=c.type.value,
            sort=c.sort,
            source=c.source.value,
            creator_id=c.creator_id,
            created_at=c.created_at,
            updated_at=c.updated_at,
        )


class DepartmentRow(Base):
    __tablename__ = "corporation_department"

    id: Mapped[int] = mapped_column(Int64, primary_key=True, autoincrement=False)
    corp_id: Mapped[int] = mapped_column(Int64, ForeignKey("corporation.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(
        Int64, ForeignKey("corporation_department.id"), nullable=True, index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(64), default="")
    sort: Mapped[int] = mapped_column(Integer, default=0)
    source: Mapped[str] = mapped_column(String(16))
    creator_id: Mapped[int | None] = mapped_column(Int64, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    def to_entity(self) -> Department:
        return Department(
            id=self.id,
            corp_id=self.corp_id,
            name=self.name,
            created_at=self.created_at,
            updated_at=self.updated_at,
            parent_id=self.parent_id,
            code=self.code,
            sort=self.sort,
            source=DataSource(self.source),
            creator_id=self.creator_id,
        )

    @classmethod
    def of(cls, d: Department) -> DepartmentRow:
        return cls(
            id=d.id,
            corp_id=d.corp_id,
            parent_id=d.parent_id,
            name=d.name,
            code=d.code,
            sort=d.sort,
            source=d.source.value,
            creator_id=d.creator_id,
            created_at=d.created_at,
            updated_at=d.updated_at,
        )


class EmployeeRow(Base):
    __tablename__ = "corporation_employee"
    # NULL employee numbers and links repeat freely; given ones are unique per corporation.
    __table_args__ = (
        UniqueConstraint("corp_id", "employee_no"),
        UniqueConstraint("corp_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(Int64, primary_key=True, autoincrement=False)
    corp_id: Mapped[int] = mapped_column(Int64, ForeignKey("corporation.id"))
    name: Mapped[str] = mapped_column(String(100))
    employee_no: Mapped[str | None] = mapped_column(String(32), nullable=True)
    email: Mapped[str] = mapped_column(String(254), default="")
    mobile: Mapped[str] = mapped_column(String(32), default="")
    position: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int | None] = mapped_column(
        Int64, ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True, index=True
    )
    source: Mapped[str] = mapped_column(String(16))
    resigned_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    resign_reason: Mapped[str] = mapped_column(String(500), default="")
    creator_id: Mapped[int | None] = mapped_column(Int64, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    def to_entity(self, memberships: list[Membership]) -> Employee:
        return Employee(
            id=self.id,
            corp_id=self.corp_id,
            name=self.name,
            created_at=self.created_at,
            updated_at=self.updated_at,
            employee_no=self.employee_no,
            email=self.email,
            mobile=self.mobile,
            position=self.position,
            status=EmployeeStatus(self.status),
            user_id=self.user_id,
            memberships=memberships,
            source=DataSource(self.source),
            resigned_at=self.resigned_at,
            resign_reason=self.resign_reason,
            creator_id=self.creator_id,
        )

    @classmethod
    def of(cls, e: Employee) -> EmployeeRow:
        return cls(
            id=e.id,
            corp_id=e.corp_id,
            name=e.name,
            employee_no=e.employee_no,
            email=e.email,
            mobile=e.mobile,
            position=e.position,
            status=e.status.value,
            user_id=e.user_id,
            source=e.source.value,
            resigned_at=e.resigned_at,
            resign_reason=e.resign_reason,
            creator_id=e.creator_id,
            created_at=e.created_at,
            updated_at=e.updated_at,
        )


class EmployeeDepartmentRow(Base):
    __tablename__ = "corporation_employee_department"

    employee_id: Mapped[int] = mapped_column(
        Int64, ForeignKey("corporation_employee.id", ondelete="CASCADE"), primary_key=True
    )
    # No cascade: a department with members cannot be deleted (the service refuses, the key agrees).
    department_id: Mapped[int] = mapped_column(
        Int64, ForeignKey("corporation_department.id"), primary_key=True, index=True
    )
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)


async def flush_or_conflict() -> None:
    """A unique key hit by a concurrent writer is a conflict (409), not an internal error."""
    try:
        await current_session().flush()
    except IntegrityError as exc:
        raise Conflict() from exc


class SqlCorporationRepository:
    async def get(self, corp_id: int) -> Corporation | None:
        row = await current_session().get(CorporationRow, corp_id)
        return None if row is None else row.to_entity()

    async def add(self, corp: Corporation) -> None:
        current_session().add(CorporationRow.of(corp))
        await flush_or_conflict()

    async def save(self, corp: Corporation) -> None:
        await current_session().merge(CorporationRow.of(corp))
        await flush_or_conflict()

    async def delete(self, corp_id: int) -> None:
        await current_session().execute(delete(CorporationRow).where(CorporationRow.id == corp_id))

    async def all(self) -> Sequence[Corporation]:
        rows = await current_session().execute(
            select(CorporationRow).order_by(CorporationRow.sort, CorporationRow.id)
        )
        return [r.to_entity() for r in rows.scalars()]

    async def search(
        self, query: CorporationQuery, offset: int, limit: int
    ) -> tuple[Sequence[Corporation], int]:
        where: list[Any] = []
        if query.keyword:
            where.append(CorporationRow.name.contains(query.keyword, autoescape=True))
        if query.parent_id is not None:
            where.append(CorporationRow.parent_id == query.parent_id)
        if query.type is not None:
            where.append(CorporationRow.corp_type == query.type.value)
        return await counted_page(
            CorporationRow, where, (CorporationRow.sort, CorporationRow.id), offset, limit
        )


class SqlDepartmentRepository:
    async def get(self, department_id: int) -> Department | None:
        row = await current_session().get(DepartmentRow, department_id)
        return None if row is None else row.to_entity()

    async def get_many(self, department_ids: Sequence[int]) -> Sequence[Department]:
        if not department_ids:
            return []
        rows = await current_session().execute(
            select(DepartmentRow).where(DepartmentRow.id.in_(department_ids))
        )
        return [r.to_entity() for r in rows.scalars()]

    async def add(self, department: Department) -> None:
        current_session().add(DepartmentRow.of(department))
        await flush_or_conflict()

    async def save(self, department: Department) -> None:
        await current_session().merge(DepartmentRow.of(department))
        await flush_or_conflict()

    async def delete(self, department_id: int) -> None:
        await current_session().execute(delete(DepartmentRow).where(DepartmentRow.id == department_id))

    async def of_corporation(self, corp_id: int) -> Sequence[Department]:
        rows = await current_session().execute(
            select(DepartmentRow)
            .where(DepartmentRow.corp_id == corp_id)
            .order_by(DepartmentRow.sort, DepartmentRow.id)
        )
        return [r.to_entity() for r in rows.scalars()]

    async def all(self) -> Sequence[Department]:
        rows = await current_session().execute(
            select(DepartmentRow).order_by(DepartmentRow.sort, DepartmentRow.id)
        )
        return [r.to_entity() for r in rows.scalars()]

    async def count_in_corporation(self, corp_id: int) -> int:
        total = await current_session().execute(
            select(func.count()).select_from(DepartmentRow).where(DepartmentRow.corp_id == corp_id)
        )
        return int(total.scalar_one())

    async def search(
        self, query: DepartmentQuery, offset: int, limit: int
    ) -> tuple[Sequence[Department], int]:
        where: list[Any] = [DepartmentRow.corp_id == query.corp_id]
        if query.parent_id is not None:
            where.append(DepartmentRow.parent_id == query.parent_id)
        if query.keyword:
            where.append(DepartmentRow.name.contains(query.keyword, autoescape=True))
        return await counted_page(DepartmentRow, where, (DepartmentRow.sort, DepartmentRow.id), offset, limit)
