"""Auth settings as they are kept: secrets sealed on arrival, an empty secret keeping the stored
one (the API never returns secrets, so an edit form cannot send them back)."""

from __future__ import annotations

from domain.common.secrets import SecretCipher
from domain.plugin.auth import AuthKind, OAuthClient, PluginAuth, ServiceToken
from domain.plugin.drafts import checked_url
from domain.plugin.errors import InvalidPluginRequest
from domain.plugin.manifest import AuthInput

MAX_SECRET = 4096


def sealed_auth(cipher: SecretCipher, given: AuthInput, current: PluginAuth | None = None) -> PluginAuth:
    if given.kind is AuthKind.NONE:
        return PluginAuth()
    for secret in (given.service_token, given.client_secret):
        if len(secret) > MAX_SECRET:
            raise InvalidPluginRequest(detail=f"a secret is at most {MAX_SECRET} characters")
    if given.kind is AuthKind.SERVICE:
        if not given.key.strip() or len(given.key) > 100:
            raise InvalidPluginRequest(detail="name the header or query parameter of the token (key)")
        kept = current.service.sealed_token if current is not None and current.service else ""
        sealed = cipher.seal(given.service_token) if given.service_token else kept
        if not sealed:
            raise InvalidPluginRequest(detail="a service token is required")
        return PluginAuth(AuthKind.SERVICE, service=ServiceToken(given.location, given.key, sealed))
    if not given.client_id.strip():
        raise InvalidPluginRequest(detail="an OAuth client id is required")
    token_url = checked_url(given.token_url)
    consent = checked_url(given.authorization_url) if given.authorization_url else ""
    kept = current.oauth.sealed_client_secret if current is not None and current.oauth else ""
    sealed = cipher.seal(given.client_secret) if given.client_secret else kept
    if not sealed:
        raise InvalidPluginRequest(detail="an OAuth client secret is required")
    return PluginAuth(
        AuthKind.OAUTH,
        oauth=OAuthClient(given.flow, given.client_id.strip(), sealed, token_url, consent, given.scope),
    )
