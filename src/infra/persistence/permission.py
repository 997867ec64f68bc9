"""Tables and repositories for roles and user-role grants (the policy's source of truth)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint, delete, func, or_, select
from sqlalchemy.orm import Mapped, mapped_column

from domain.permission.entities import Grant, PermissionEntry, Role
from domain.permission.values import DomainKind, Effect
from infra.persistence.base import Base, Int64, Json, UtcDateTime
from infra.persistence.uow import current_session


class RoleRow(Base):
    __tablename__ = "permission_role"

    id: Mapped[int] = mapped_column(Int64, primary_key=True, autoincrement=False)
    code: Mapped[str] = mapped_column(String(48), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(String(500), default="")
    domain_kind: Mapped[str] = mapped_column(String(16))
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    permissions: Mapped[list[dict[str, Any]]] = mapped_column(Json)
    created_by: Mapped[int | None] = mapped_column(Int64, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class UserRoleRow(Base):
    __tablename__ = "permission_user_role"
    __table_args__ = (
        UniqueConstraint("user_id", "role_id", "domain"),
        Index("ix_permission_user_role_role_id", "role_id"),
    )

    id: Mapped[int] = mapped_column(Int64, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(Int64, ForeignKey("user_account.id", ondelete="CASCADE"))
    role_id: Mapped[int] = mapped_column(Int64, ForeignKey("permission_role.id"))
    domain: Mapped[str] = mapped_column(String(32))
    assigned_by: Mapped[int | None] = mapped_column(Int64, nullable=True)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


def entries_json(entries: Sequence[PermissionEntry]) -> list[dict[str, Any]]:
    return [
        {"resource": e.resource, "action": e.action, "effect": e.effect.value, "object_id": e.object_id}
        for e in entries
    ]


def _role(row: RoleRow) -> Role:
    return Role(
        id=row.id,
        code=row.code,
        name=row.name,
        domain_kind=DomainKind(row.domain_kind),
        created_at=row.created_at,
        updated_at=row.updated_at,
        description=row.description,
        builtin=row.builtin,
        disabled=row.disabled,
        permissions=[
            PermissionEntry(e["resource"], e["action"], Effect(e["effect"]), e.get("object_id", "*"))
            for e in row.permissions
        ],
        created_by=row.created_by,
    )


def _grant(row: UserRoleRow) -> Grant:
    return Grant(
        row.id, row.user_id, row.role_id, row.domain, row.created_at, row.assigned_by, row.expires_at
    )


def _fill(row: RoleRow, role: Role) -> None:
    row.name, row.description = role.name, role.description
    row.disabled, row.permissions, row.updated_at = (
        role.disabled,
        entries_json(role.permissions),
        role.updated_at,
    )


class SqlRoleRepository:
    async def get(self, role_id: int) -> Role | None:
        row = await current_session().get(RoleRow, role_id)
        return None if row is None else _role(row)

    async def get_by_code(self, code: str) -> Role | None:
        row = (await current_session().execute(select(RoleRow).where(RoleRow.code == code))).scalar()
        return None if row is None else _role(row)

    async def list(
        self, offset: int, limit: int, keyword: str = "", builtin: bool | None = None
    ) -> tuple[Sequence[Role], int]:
        query = select(RoleRow)
        if keyword:
            # A bound LIKE pattern with the wildcards of the keyword itself escaped.
            pattern = "%" + keyword.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            query = query.where(or_(RoleRow.code.like(pattern, "\\"), RoleRow.name.like(pattern, "\\")))
        if builtin is not None:
            query = query.where(RoleRow.builtin == builtin)
        session = current_session()
        total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
        rows = (await session.execute(query.order_by(RoleRow.id).offset(offset).limit(limit))).scalars()
        return [_role(r) for r in rows], int(total)

    async def all(self) -> Sequence[Role]:
        rows = (await current_session().execute(select(RoleRow).order_by(RoleRow.id))).scalars()
        return [_role(r) for r in rows]

    async def add(self, role: Role) -> None:
        row = RoleRow(
            id=role.id,
            code=role.code,
            domain_kind=role.domain_kind.value,
            builtin=role.builtin,
            created_by=role.created_by,
            created_at=role.created_at,
        )
        _fill(row, role)
        current_session().add(row)
        await current_session().flush()

    async def save(self, role: Role) -> None:
        row = await current_session().get(RoleRow, role.id)
        if row is not None:
            _fill(row, role)
            await current_session().flush()

    async def delete(self, role_id: int) -> None:
        await current_session().execute(delete(RoleRow).where(RoleRow.id == role_id))


class SqlGrantRepository:
    async def find(self, user_id: int, role_id: int, domain: str) -> Grant | None:
        row = (
            await current_session().execute(
                select(UserRoleRow).where(
                    UserRoleRow.user_id == user_id,
                    UserRoleRow.role_id == role_id,
                    UserRoleRow.domain == domain,
                )
            )
        ).scalar()
        return None if row is None else _grant(row)

    async def of_user(self, user_id: int) -> Sequence[Grant]:
        rows = await current_session().execute(
            select(UserRoleRow).where(UserRoleRow.user_id == user_id).order_by(UserRoleRow.id)
        )
        return [_grant(r) for r in rows.scalars()]

    async def count_for_role(self, role_id: int) -> int:
        query = select(func.count()).select_from(UserRoleRow).where(UserRoleRow.role_id == role_id)
        return int((await current_session().execute(query)).scalar_one())

    async def active(self, now: datetime) -> Sequence[Grant]:
        rows = await current_session().execute(
            select(UserRoleRow).where(or_(UserRoleRow.expires_at.is_(None), UserRoleRow.expires_at > now))
        )
        return [_grant(r) for r in rows.scalars()]

    async def put(self, grant: Grant) -> None:
        session = current_session()
        row = await session.get(UserRoleRow, grant.id)
        if row is None:
            session.add(
                UserRoleRow(
                    id=grant.id,
                    user_id=grant.user_id,
                    role_id=grant.role_id,
                    domain=grant.domain,
                    assigned_by=grant.assigned_by,
                    expires_at=grant.expires_at,
                    created_at=grant.created_at,
                )
            )
        else:
            row.assigned_by, row.expires_at = grant.assigned_by, grant.expires_at
        await session.flush()

    async def remove(self, grant_id: int) -> None:
        await current_session().execute(delete(UserRoleRow).where(UserRoleRow.id == grant_id))
