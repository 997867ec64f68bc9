from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from domain.common.events import DomainEvent

POLICY_CHANGED = "permission.policy_changed"


@dataclass(frozen=True, slots=True)
class PolicyChanged(DomainEvent):
    """Roles or grants changed: every process drops its cached policy and reloads on the next check."""

    topic: ClassVar[str] = POLICY_CHANGED
    reason: str
    target: str = ""
