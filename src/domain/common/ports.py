"""Ports every context may depend on: clock, ids and the unit of work."""

from __future__ import annotations

from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from domain.common.events import DomainEvent


class Clock(Protocol):
    def now(self) -> datetime:
        """Current time, timezone-aware UTC."""
        ...


class IdGenerator(Protocol):
    def next_id(self) -> int:
        """A new positive, time-ordered 63-bit id, unique across processes."""
        ...


class UnitOfWork(Protocol):
    """One database transaction. Repositories used inside `async with uow:` share it.

    Leaving the block without `commit()` rolls back. Events recorded with `record()` are
    stored in the outbox in the same transaction, so they exist exactly when the change does.
    """

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def record(self, event: DomainEvent) -> None: ...

    async def commit(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...


class SecretHasher(Protocol):
    """Keyed hash (HMAC-SHA256 with the server secret) for session and token secrets, and a short
    signature so forged cookies are refused before any database lookup."""

    def digest(self, secret: str) -> str: ...

    def new_secret(self, nbytes: int = 32) -> str: ...

    def sign(self, value: str) -> str: ...

    def verify_signature(self, value: str, signature: str) -> bool: ...
