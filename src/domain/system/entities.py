from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.system.errors import SettingVersionConflict
from domain.system.events import SettingChanged
from domain.system.values import JsonValue, SettingKey, checked_value


@dataclass(frozen=True, slots=True)
class SettingRevision:
    """An immutable record of one value a setting had."""

    id: int
    key: SettingKey
    version: int
    value: JsonValue
    created_at: datetime


@dataclass(slots=True)
class Setting:
    id: int
    key: SettingKey
    value: JsonValue
    version: int
    updated_at: datetime

    @classmethod
    def create(cls, setting_id: int, key: SettingKey, value: JsonValue, now: datetime) -> Setting:
        return cls(id=setting_id, key=key, value=checked_value(value), version=1, updated_at=now)

    def change(self, value: JsonValue, now: datetime, expected_version: int | None = None) -> SettingChanged:
        """Set a new value; with `expected_version`, refuse if someone else changed it first."""
        if expected_version is not None and expected_version != self.version:
            raise SettingVersionConflict(key=str(self.key), expected=expected_version, actual=self.version)
        self.value = checked_value(value)
        self.version += 1
        self.updated_at = now
        return SettingChanged(key=str(self.key), version=self.version)

    def revision(self, revision_id: int) -> SettingRevision:
        return SettingRevision(
            id=revision_id, key=self.key, version=self.version, value=self.value, created_at=self.updated_at
        )
