"""Table and repository for the audit log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from domain.audit.entities import AuditEntry, AuditQuery, AuditResult
from infra.persistence.base import Base, Int64, Json, UtcDateTime
from infra.persistence.uow import current_session


class AuditRow(Base):
    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_created_at", "created_at"),
        Index("ix_audit_log_actor_id", "actor_id"),
        Index("ix_audit_log_action", "action"),
    )

    id: Mapped[int] = mapped_column(Int64, primary_key=True, autoincrement=False)
    actor_id: Mapped[int | None] = mapped_column(Int64, nullable=True)
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str] = mapped_column(String(32), default="")
    target_id: Mapped[str] = mapped_column(String(64), default="")
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(255), default="")
    result: Mapped[str] = mapped_column(String(16))
    detail: Mapped[Any] = mapped_column(Json)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

    def to_entity(self) -> AuditEntry:
        return AuditEntry(
            id=self.id,
            action=self.action,
            result=AuditResult(self.result),
            created_at=self.created_at,
            actor_id=self.actor_id,
            target_type=self.target_type,
            target_id=self.target_id,
            ip=self.ip,
            user_agent=self.user_agent,
            detail=dict(self.detail or {}),
        )


class SqlAuditRepository:
    async def add(self, entry: AuditEntry) -> None:
        current_session().add(
            AuditRow(
                id=entry.id,
                actor_id=entry.actor_id,
                action=entry.action,
                target_type=entry.target_type,
                target_id=entry.target_id[:64],
                ip=entry.ip[:64],
                user_agent=entry.user_agent[:255],
                result=entry.result.value,
                detail=entry.detail,
                created_at=entry.created_at,
            )
        )

    async def list(self, query: AuditQuery, offset: int, limit: int) -> tuple[Sequence[AuditEntry], int]:
        stmt = select(AuditRow)
        if query.actor_id is not None:
            stmt = stmt.where(AuditRow.actor_id == query.actor_id)
        if query.action:
            stmt = stmt.where(AuditRow.action == query.action)
        if query.result is not None:
            stmt = stmt.where(AuditRow.result == query.result.value)
        if query.target_type:
            stmt = stmt.where(AuditRow.target_type == query.target_type)
        if query.since is not None:
            stmt = stmt.where(AuditRow.created_at >= query.since)
        if query.until is not None:
            stmt = stmt.where(AuditRow.created_at < query.until)
        total = (
            await current_session().execute(select(func.count()).select_from(stmt.subquery()))
        ).scalar_one()
        rows = (
            await current_session().execute(stmt.order_by(AuditRow.id.desc()).offset(offset).limit(limit))
        ).scalars()
        return [r.to_entity() for r in rows], int(total)
