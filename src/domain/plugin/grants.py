"""Per-user OAuth 2 authorizations (the authorization code flow): what a user's consent leaves
behind, and the consent request that waits for the provider to send the user back.

The consent request is bound to one user and one plugin, and to the OAuth client the user was sent
to; it is taken once (a replayed state finds nothing) and expires. Its PKCE verifier and the tokens
are kept sealed; the state itself is kept only as a digest, so a copy of the table cannot complete
a consent."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.common.errors import InvalidInput
from domain.plugin.auth import OAuthClient

CONSENT_TTL = timedelta(minutes=30)
MAX_OPEN_CONSENTS = 20  # per user: older open requests are dropped when a new one is made


class ConsentStateInvalid(InvalidInput):
    """The callback's state is unknown, already used, expired or not for this server."""

    message_key = "plugin.consent_state_invalid"


class ConsentRefused(InvalidInput):
    """The provider sent the user back with an error (they declined, or the client is refused)."""

    message_key = "plugin.consent_refused"


class TokenRequestFailed(Exception):
    """The token endpoint could not be reached or refused the grant; `reason` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class IssuedToken:
    access_token: str
    refresh_token: str = ""
    expires_in: float | None = None  # seconds; None when the server does not say
    scope: str = ""


@dataclass(frozen=True, slots=True)
class UserGrant:
    plugin_id: int
    user_id: int
    sealed_access_token: str
    sealed_refresh_token: str  # "" when the provider gave none
    expires_at: datetime | None  # None: the provider did not say; the token is used until refused
    scope: str
    updated_at: datetime

    def due(self, now: datetime, leeway: timedelta) -> bool:
        """Whether the access token should be renewed before it is used."""
        return self.expires_at is not None and self.expires_at - leeway <= now


@dataclass(frozen=True, slots=True)
class ConsentRequest:
    state_digest: str
    plugin_id: int
    user_id: int
    client: OAuthClient  # the client the user was sent to: its code is exchanged with it
    sealed_verifier: str  # PKCE (RFC 7636)
    redirect_uri: str
    expires_at: datetime


def new_state() -> str:
    return secrets.token_urlsafe(32)


def state_digest(state: str) -> str:
    return hashlib.sha256(state.encode("utf-8", "replace")).hexdigest()


def new_verifier() -> str:
    return secrets.token_urlsafe(48)  # 64 characters, within RFC 7636's 43..128


def code_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
