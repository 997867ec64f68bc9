from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from domain.common.events import DomainEvent

ACCOUNT_STATUS_CHANGED = "user.account_status_changed"


@dataclass(frozen=True, slots=True)
class AccountStatusChanged(DomainEvent):
    """An account was disabled or enabled again: caches of credentials must re-read the account."""

    topic: ClassVar[str] = ACCOUNT_STATUS_CHANGED
    user_id: str
    status: str
