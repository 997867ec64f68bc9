from __future__ import annotations

from domain.common.access import ScopeNotGranted
from domain.common.errors import InvalidInput, NotFound, PermissionDenied, Unauthenticated

__all__ = [
    "InvalidTokenRequest",
    "ScopeNotGranted",
    "SpaceNotGranted",
    "TokenInvalid",
    "TokenNotFound",
]


class TokenInvalid(Unauthenticated):
    """Missing, malformed, unknown, expired and revoked tokens all look the same to the caller."""

    message_key = "openauth.token_invalid"


class SpaceNotGranted(PermissionDenied):
    message_key = "openauth.space_not_granted"


class TokenNotFound(NotFound):
    message_key = "openauth.token_not_found"


class InvalidTokenRequest(InvalidInput):
    message_key = "openauth.invalid_request"
