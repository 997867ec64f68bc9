"""Writes the audit log (every context, no caller check: the write is the record of one) and
reads it for platform admins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Unpack

from application.common.actor import Actor
from application.common.admin import require_platform_admin
from application.common.paging import Page, bounded
from crossdomain.audit import AuditContext, Requester
from crossdomain.permission import PermissionChecker
from domain.audit.entities import AuditEntry, AuditQuery, AuditResult
from domain.audit.ports import AuditRepository
from domain.common.ports import Clock, IdGenerator, UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class AuditEntryDTO:
    id: int
    action: str
    result: str
    created_at: datetime
    actor_id: int | None
    target_type: str
    target_id: str
    ip: str
    user_agent: str
    detail: dict[str, Any]


class AuditLog:
    """The audit context's crossdomain.audit.AuditRecorder."""

    def __init__(
        self, uow: UnitOfWorkFactory, entries: AuditRepository, ids: IdGenerator, clock: Clock
    ) -> None:
        self._uow, self._entries, self._ids, self._clock = uow, entries, ids, clock

    async def record(
        self, action: str, result: AuditResult, who: Requester, **context: Unpack[AuditContext]
    ) -> None:
        entry = AuditEntry(
            id=self._ids.next_id(),
            action=action,
            result=result,
            created_at=self._clock.now(),
            actor_id=who.user_id if isinstance(who, Actor) else context.get("actor_id"),
            target_type=context.get("target_type", ""),
            target_id=str(context.get("target_id", "")),
            ip=who.ip,
            user_agent=who.user_agent,
            detail=context.get("detail") or {},
        )
        async with self._uow() as uow:
            await self._entries.add(entry)
            await uow.commit()


class AuditTrail:
    """The admin console's view of the audit log. Kept apart from AuditLog, which the permission
    context itself writes to: the checker this needs could not be given to that one."""

    def __init__(
        self, uow: UnitOfWorkFactory, entries: AuditRepository, permissions: PermissionChecker
    ) -> None:
        self._uow, self._entries, self._permissions = uow, entries, permissions

    async def search(self, actor: Actor, query: AuditQuery, page: int, page_size: int) -> Page[AuditEntryDTO]:
        await require_platform_admin(self._permissions, actor)
        size = bounded(page_size)
        async with self._uow():
            entries, total = await self._entries.list(query, max(page - 1, 0) * size, size)
        items = [
            AuditEntryDTO(
                e.id,
                e.action,
                e.result.value,
                e.created_at,
                e.actor_id,
                e.target_type,
                e.target_id,
                e.ip,
                e.user_agent,
                e.detail,
            )
            for e in entries
        ]
        return Page(items, total, page * size < total)
