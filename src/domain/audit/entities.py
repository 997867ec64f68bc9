from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from crossdomain.audit import AuditResult

__all__ = ["AuditEntry", "AuditQuery", "AuditResult"]


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    action: str
    result: AuditResult
    created_at: datetime
    actor_id: int | None = None
    target_type: str = ""
    target_id: str = ""
    ip: str = ""
    user_agent: str = ""
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AuditQuery:
    actor_id: int | None = None
    action: str | None = None
    result: AuditResult | None = None
    target_type: str | None = None
    since: datetime | None = None
    until: datetime | None = None
