from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from domain.system.entities import Setting, SettingRevision
from domain.system.values import SettingKey


class SettingRepository(Protocol):
    """Settings and their revisions. Must be used inside an open unit of work."""

    async def get(self, key: SettingKey) -> Setting | None: ...

    async def list(self) -> Sequence[Setting]: ...

    async def add(self, setting: Setting) -> None: ...

    async def update(self, setting: Setting, previous_version: int) -> bool:
        """Store `setting` if the stored version is still `previous_version`; False when it moved on."""
        ...

    async def add_revision(self, revision: SettingRevision) -> None: ...

    async def list_revisions(self, key: SettingKey, limit: int) -> Sequence[SettingRevision]:
        """Newest first."""
        ...

    async def get_revision(self, revision_id: int) -> SettingRevision | None: ...
