"""What the audit context offers others: one call that records what a caller did and how it ended."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Protocol, TypedDict, Unpack


class AuditResult(StrEnum):
    OK = "ok"
    DENIED = "denied"
    FAILED = "failed"


class Requester(Protocol):
    """Where a request came from: an application Actor or an anonymous Origin satisfies this."""

    @property
    def ip(self) -> str: ...

    @property
    def user_agent(self) -> str: ...


class AuditContext(TypedDict, total=False):
    """What an entry may say beyond its action and result (all optional)."""

    actor_id: int | None
    target_type: str
    target_id: str | int
    detail: dict[str, Any] | None


class AuditRecorder(Protocol):
    async def record(
        self, action: str, result: AuditResult, who: Requester, **context: Unpack[AuditContext]
    ) -> None:
        """Write one entry in its own unit of work. The actor id comes from `who` when it is an
        authenticated Actor, else from `actor_id` (a sign-in attempt names the account it tried)."""
        ...
