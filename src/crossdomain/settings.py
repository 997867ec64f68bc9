"""Reading platform settings (system context) from other contexts."""

from __future__ import annotations

from typing import Any, Protocol


class SettingsReader(Protocol):
    async def value(self, key: str, default: Any) -> Any: ...
