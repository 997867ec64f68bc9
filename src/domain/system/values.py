from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from domain.common.jsonvalue import check_json_value
from domain.system.errors import InvalidSettingKey, SettingValueTooLarge

# Dotted, lower-case names ("site.title", "registration.enabled"): readable in logs and URLs,
# and never colliding with the fixed route segments next to them.
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,62}(\.[a-z][a-z0-9_]{0,62}){1,3}$")
MAX_VALUE_BYTES = 64 * 1024

JsonValue = Any


@dataclass(frozen=True, slots=True)
class SettingKey:
    value: str

    def __post_init__(self) -> None:
        if not isinstance(self.value, str) or not _KEY.match(self.value):
            raise InvalidSettingKey(key=str(self.value)[:80])

    def __str__(self) -> str:
        return self.value


def checked_value(value: JsonValue) -> JsonValue:
    """Accept any JSON value up to MAX_VALUE_BYTES once serialized, nested within the JSON limits."""
    check_json_value(value, field="value")  # before serializing it: that recurses as deep as it nests
    size = len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())
    if size > MAX_VALUE_BYTES:
        raise SettingValueTooLarge(size=size, limit=MAX_VALUE_BYTES)
    return value
