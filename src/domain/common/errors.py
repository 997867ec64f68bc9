"""Base domain errors. Each concrete error maps to exactly one API code in the api error registry."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule of the platform was broken. `message_key` selects the localized text; `params` fill it."""

    message_key = "error.domain"

    def __init__(self, **params: Any) -> None:
        self.params = params
        super().__init__(self.message_key)


class InvalidInput(DomainError):
    message_key = "error.invalid_input"


class NotFound(DomainError):
    message_key = "error.not_found"


class Conflict(DomainError):
    message_key = "error.conflict"


class PermissionDenied(DomainError):
    message_key = "error.permission_denied"


class Unauthenticated(DomainError):
    message_key = "error.unauthenticated"


class RateLimited(DomainError):
    """Too many requests; `retry_after` seconds until the window resets."""

    message_key = "error.rate_limited"

    def __init__(self, retry_after: int, **params: Any) -> None:
        super().__init__(retry_after=retry_after, **params)
        self.retry_after = max(int(retry_after), 1)


class Unavailable(DomainError):
    """A backing service (vector store, search index, ...) cannot be reached right now; retry later.

    `retry_after`: seconds after which a retry may succeed (the API sends it as Retry-After). Each
    server has a subclass of its own, so the API answers with a code that names it."""

    message_key = "error.unavailable"

    def __init__(self, retry_after: int = 1, **params: Any) -> None:
        super().__init__(**params)
        self.retry_after = max(int(retry_after), 1)

    def __str__(self) -> str:
        return str(self.params.get("detail") or self.params.get("reason") or self.message_key)


class DatabaseUnavailable(Unavailable):
    """The database did not answer, or dropped the connection mid-request (a write may be lost)."""

    message_key = "error.database_unavailable"
