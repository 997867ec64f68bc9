"""Use cases for platform settings: read, list, change (with optimistic locking) and history."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from application.common.actor import Actor
from application.common.admin import require_platform_admin
from crossdomain.audit import AuditRecorder, AuditResult
from crossdomain.permission import PermissionChecker
from domain.common.ports import Clock, IdGenerator, UnitOfWorkFactory
from domain.system.entities import Setting, SettingRevision
from domain.system.errors import SettingNotFound, SettingRevisionNotFound, SettingVersionConflict
from domain.system.events import SettingChanged
from domain.system.ports import SettingRepository
from domain.system.values import JsonValue, SettingKey

MAX_HISTORY = 100


@dataclass(frozen=True, slots=True)
class SettingDTO:
    id: int
    key: str
    value: JsonValue
    version: int
    updated_at: datetime

    @classmethod
    def of(cls, s: Setting) -> SettingDTO:
        return cls(id=s.id, key=str(s.key), value=s.value, version=s.version, updated_at=s.updated_at)


@dataclass(frozen=True, slots=True)
class SettingRevisionDTO:
    id: int
    key: str
    version: int
    value: JsonValue
    created_at: datetime

    @classmethod
    def of(cls, r: SettingRevision) -> SettingRevisionDTO:
        return cls(id=r.id, key=str(r.key), version=r.version, value=r.value, created_at=r.created_at)


class SystemSettingsService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        settings: SettingRepository,
        audit: AuditRecorder,
        ids: IdGenerator,
        clock: Clock,
        permissions: PermissionChecker,
        validators: Mapping[str, Callable[[JsonValue], object]] | None = None,
    ) -> None:
        self._validators = dict(validators or {})  # key -> a check that raises for a bad value
        self._uow = uow
        self._settings = settings
        self._audit = audit
        self._ids = ids
        self._clock = clock
        self._permissions = permissions

    async def get(self, actor: Actor, key: str) -> SettingDTO:
        await require_platform_admin(self._permissions, actor)
        setting_key = SettingKey(key)
        async with self._uow():
            setting = await self._settings.get(setting_key)
        if setting is None:
            raise SettingNotFound(key=key)
        return SettingDTO.of(setting)

    async def value(self, key: str, default: JsonValue) -> JsonValue:
        """crossdomain.settings.SettingsReader: the stored value, or `default` when unset.

        For other contexts reading a setting that governs them (not a caller's request): no check."""
        async with self._uow():
            setting = await self._settings.get(SettingKey(key))
        return default if setting is None else setting.value

    async def list_settings(self, actor: Actor) -> list[SettingDTO]:
        await require_platform_admin(self._permissions, actor)
        async with self._uow():
            return [SettingDTO.of(s) for s in await self._settings.list()]

    async def put(
        self, actor: Actor, key: str, value: JsonValue, expected_version: int | None = None
    ) -> SettingDTO:
        """Create or change a setting (platform admins only); each stored value is also kept as a revision."""
        await require_platform_admin(self._permissions, actor)
        setting_key = SettingKey(key)
        check = self._validators.get(key)
        if check is not None:
            check(value)
        now = self._clock.now()
        async with self._uow() as uow:
            setting = await self._settings.get(setting_key)
            if setting is None:
                if expected_version not in (None, 0):
                    raise SettingVersionConflict(key=key, expected=expected_version, actual=0)
                setting = Setting.create(self._ids.next_id(), setting_key, value, now)
                await self._settings.add(setting)
                uow.record(SettingChanged(key=key, version=setting.version))
            else:
                previous = setting.version
                uow.record(setting.change(value, now, expected_version))
                if not await self._settings.update(setting, previous):
                    raise SettingVersionConflict(key=key, expected=previous, actual=-1)
            await self._settings.add_revision(setting.revision(self._ids.next_id()))
            await uow.commit()
        await self._audit.record(
            "admin.setting.put",
            AuditResult.OK,
            actor,
            target_type="setting",
            target_id=key,
            detail={"version": setting.version},
        )
        return SettingDTO.of(setting)

    async def history(self, actor: Actor, key: str, limit: int = 20) -> list[SettingRevisionDTO]:
        await require_platform_admin(self._permissions, actor)
        setting_key = SettingKey(key)
        async with self._uow():
            revisions = await self._settings.list_revisions(setting_key, min(max(limit, 1), MAX_HISTORY))
        return [SettingRevisionDTO.of(r) for r in revisions]

    async def revision(self, actor: Actor, revision_id: int) -> SettingRevisionDTO:
        await require_platform_admin(self._permissions, actor)
        async with self._uow():
            revision = await self._settings.get_revision(revision_id)
        if revision is None:
            raise SettingRevisionNotFound(revision_id=revision_id)
        return SettingRevisionDTO.of(revision)
