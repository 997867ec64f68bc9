from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from domain.audit.entities import AuditEntry, AuditQuery


class AuditRepository(Protocol):
    async def add(self, entry: AuditEntry) -> None: ...

    async def list(self, query: AuditQuery, offset: int, limit: int) -> tuple[Sequence[AuditEntry], int]: ...
