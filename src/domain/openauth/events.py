from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from domain.common.events import DomainEvent

TOKEN_REVOKED = "openauth.token_revoked"  # noqa: S105 (an event topic, not a secret)


@dataclass(frozen=True, slots=True)
class TokenRevoked(DomainEvent):
    """A personal access token was deleted: every process drops what it remembers of bearer auth."""

    topic: ClassVar[str] = TOKEN_REVOKED
    token_id: str
    user_id: str
