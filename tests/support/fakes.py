"""In-memory fakes of domain ports for unit tests of application services."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Self

from domain.audit.entities import AuditEntry, AuditQuery
from domain.common.events import DomainEvent
from domain.system.entities import Setting, SettingRevision
from domain.system.values import SettingKey


class FakeClock:
    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 1, 1, tzinfo=UTC)

    def now(self) -> datetime:
        self.current += timedelta(seconds=1)
        return self.current


class CountingIds:
    def __init__(self) -> None:
        self._next = itertools.count(1)

    def next_id(self) -> int:
        return next(self._next)


class FakeUnitOfWork:
    """Snapshots the store on enter and restores it unless committed, like a transaction."""

    def __init__(self, store: FakeStore) -> None:
        self.store = store
        self.events: list[DomainEvent] = []
        self._snapshot: dict[str, object] | None = None

    async def __aenter__(self) -> Self:
        self._snapshot = copy.deepcopy(self.store.tables)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._snapshot is not None:
            self.store.tables = self._snapshot  # rollback of anything not committed

    def record(self, event: DomainEvent) -> None:
        self.events.append(event)

    async def commit(self) -> None:
        self.store.outbox.extend(self.events)
        self.events = []
        self._snapshot = None


class FakeStore:
    def __init__(self) -> None:
        self.tables: dict[str, dict[object, object]] = {"settings": {}, "revisions": {}}
        self.outbox: list[DomainEvent] = []

    def uow(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self)


class InMemorySettingRepository:
    def __init__(self, store: FakeStore) -> None:
        self.store = store

    @property
    def _settings(self) -> dict[object, object]:
        return self.store.tables["settings"]

    @property
    def _revisions(self) -> dict[object, object]:
        return self.store.tables["revisions"]

    async def get(self, key: SettingKey) -> Setting | None:
        found = self._settings.get(key.value)
        return copy.deepcopy(found) if isinstance(found, Setting) else None

    async def list(self) -> Sequence[Setting]:
        return [copy.deepcopy(s) for _, s in sorted(self._settings.items()) if isinstance(s, Setting)]

    async def add(self, setting: Setting) -> None:
        self._settings[setting.key.value] = copy.deepcopy(setting)

    async def update(self, setting: Setting, previous_version: int) -> bool:
        stored = self._settings.get(setting.key.value)
        if not isinstance(stored, Setting) or stored.version != previous_version:
            return False
        self._settings[setting.key.value] = copy.deepcopy(setting)
        return True

    async def add_revision(self, revision: SettingRevision) -> None:
        self._revisions[revision.id] = revision

    async def list_revisions(self, key: SettingKey, limit: int) -> Sequence[SettingRevision]:
        found = [r for r in self._revisions.values() if isinstance(r, SettingRevision) and r.key == key]
        return sorted(found, key=lambda r: r.version, reverse=True)[:limit]

    async def get_revision(self, revision_id: int) -> SettingRevision | None:
        found = self._revisions.get(revision_id)
        return found if isinstance(found, SettingRevision) else None


class InMemoryAuditRepository:
    def __init__(self) -> None:
        self.entries: list[AuditEntry] = []

    async def add(self, entry: AuditEntry) -> None:
        self.entries.append(entry)

    async def list(self, query: AuditQuery, offset: int, limit: int) -> tuple[Sequence[AuditEntry], int]:
        found = [e for e in reversed(self.entries) if query.action in (None, e.action)]
        return found[offset : offset + limit], len(found)
