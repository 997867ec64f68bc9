from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from domain.common.events import DomainEvent


@dataclass(frozen=True, slots=True)
class SettingChanged(DomainEvent):
    topic: ClassVar[str] = "system.setting_changed"

    key: str
    version: int
