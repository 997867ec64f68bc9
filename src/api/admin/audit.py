"""The audit log for super admins: /api/admin/audit/list."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromQuery, QueryParameter

from api.envelope import Envelope
from api.schemas import InvalidParams, OptionalQueryId, id_str, parse_id
from api.security.identity import CurrentActor
from application.audit.service import AuditEntryDTO, AuditTrail
from domain.audit.entities import AuditQuery, AuditResult

Audit = NamedDependency[AuditTrail]


class AuditItem(msgspec.Struct):
    id: str
    action: str
    result: str
    created_at: datetime
    actor_id: str
    target_type: str
    target_id: str
    ip: str
    user_agent: str
    detail: dict[str, Any]

    @classmethod
    def of(cls, e: AuditEntryDTO) -> AuditItem:
        return cls(
            id_str(e.id),
            e.action,
            e.result,
            e.created_at,
            id_str(e.actor_id) if e.actor_id else "",
            e.target_type,
            e.target_id,
            e.ip,
            e.user_agent,
            e.detail,
        )


class AuditPage(msgspec.Struct):
    items: list[AuditItem]
    total: int
    has_more: bool


class AuditPageResponse(Envelope, kw_only=True):
    data: AuditPage


# An RFC 3339 time; parsed here, as Litestar would also take a bare number as a unix time.
Moment = Annotated[
    str | None, QueryParameter(schema_extra={"oneOf": None, "type": "string", "format": "date-time"})
]


def _moment(value: str | None, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidParams(detail=f"{name} must be an RFC 3339 time") from None
    if moment.tzinfo is None:
        raise InvalidParams(detail=f"{name} needs a time zone (Z or +hh:mm)")
    return moment


@get("/api/admin/audit/list", tags=["admin: audit"])
async def list_audit(
    audit: Audit,
    actor: CurrentActor,
    actor_id: OptionalQueryId = None,
    action: Annotated[str | None, QueryParameter(max_length=64)] = None,
    result: FromQuery[AuditResult | None] = None,
    target_type: Annotated[str | None, QueryParameter(max_length=32)] = None,
    since: Moment = None,
    until: Moment = None,
    page: Annotated[int, QueryParameter(ge=1, le=100_000)] = 1,
    size: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
) -> AuditPageResponse:
    query = AuditQuery(
        actor_id=parse_id(actor_id) if actor_id else None,
        action=action or None,
        result=result,
        target_type=target_type or None,
        since=_moment(since, "since"),
        until=_moment(until, "until"),
    )
    found = await audit.search(actor, query, page, size)
    return AuditPageResponse(
        data=AuditPage([AuditItem.of(e) for e in found.items], found.total, found.has_more)
    )
