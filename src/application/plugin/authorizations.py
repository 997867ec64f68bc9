"""End users' OAuth 2 authorizations of the plugins that act for each user (the authorization code
flow, RFC 6749 §4.1 with PKCE, RFC 7636).

A consent link is made for one user and one plugin: its state is random, kept as a digest with the
PKCE verifier and the client the user is sent to, taken once, and expires. The callback exchanges
the code with that same client; the tokens are kept sealed, per user and plugin, and a tool call
only ever reads the calling user's. An access token due to expire is renewed with the refresh
token first; a grant that can no longer be renewed is dropped, so the user is asked again."""

from __future__ import annotations

import asyncio
import logging
import weakref
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from application.common.actor import Actor
from application.plugin.access import PluginAccess, PluginAction
from crossdomain.audit import AuditRecorder, AuditResult, Requester
from domain.common.ports import Clock, UnitOfWorkFactory
from domain.common.secrets import SecretCipher
from domain.plugin.auth import OAuthClient
from domain.plugin.grants import (
    CONSENT_TTL,
    MAX_OPEN_CONSENTS,
    ConsentRefused,
    ConsentRequest,
    ConsentStateInvalid,
    IssuedToken,
    TokenRequestFailed,
    UserGrant,
    code_challenge,
    new_state,
    new_verifier,
    state_digest,
)
from domain.plugin.ports import ConsentRepository, TokenEndpoint, UserGrantRepository

log = logging.getLogger("cozeplus.plugin")

RENEW_LEEWAY = timedelta(seconds=60)  # an access token is renewed this long before it expires
MAX_STATE = 512
MAX_CODE = 2048


@dataclass(frozen=True, slots=True)
class AuthorizationStatus:
    per_user: bool  # the plugin acts for each user (OAuth authorization code)
    authorized: bool
    consent_url: str = ""  # when not authorized: where the user consents


class UserAuthorizations:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        grants: UserGrantRepository,
        consents: ConsentRepository,
        access: PluginAccess,
        endpoint: TokenEndpoint,
        cipher: SecretCipher,
        clock: Clock,
        audit: AuditRecorder,
        redirect_uri: str,
    ) -> None:
        self._uow, self._grants, self._consents, self._access = uow, grants, consents, access
        self._endpoint, self._cipher, self._clock, self._audit = endpoint, cipher, clock, audit
        self._redirect_uri = redirect_uri
        # One renewal at a time per grant in this process (a provider may rotate refresh tokens).
        self._locks: weakref.WeakValueDictionary[tuple[int, int], asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    async def consent_link(self, plugin_id: int, client: OAuthClient, user_id: int) -> str:
        state, verifier, now = new_state(), new_verifier(), self._clock.now()
        consent = ConsentRequest(
            state_digest(state),
            plugin_id,
            user_id,
            client,
            self._cipher.seal(verifier),
            self._redirect_uri,
            now + CONSENT_TTL,
        )
        async with self._uow() as uow:
            await self._consents.add(consent, keep=MAX_OPEN_CONSENTS, now=now)
            await uow.commit()
        query = {
            "response_type": "code",
            "client_id": client.client_id,
            "redirect_uri": self._redirect_uri,
            "state": state,
            "code_challenge": code_challenge(verifier),
            "code_challenge_method": "S256",
            **({"scope": client.scope} if client.scope else {}),
        }
        glue = "&" if "?" in client.authorization_url else "?"
        return f"{client.authorization_url}{glue}{urlencode(query)}"

    async def complete(self, origin: Requester, state: str, code: str, error: str = "") -> int:
        """The provider sent the user back: take the consent request its state names, exchange the
        code with its client and keep the user's tokens. The plugin's id."""
        if not state or len(state) > MAX_STATE:
            raise ConsentStateInvalid()
        async with self._uow() as uow:
            consent = await self._consents.take(state_digest(state), self._clock.now())
            await uow.commit()  # taken, whatever happens next: a state works once
        if consent is None:
            raise ConsentStateInvalid()
        if error:
            raise ConsentRefused(detail=f"the provider answered {error[:80]!r}")
        if not code or len(code) > MAX_CODE:
            raise ConsentRefused(detail="the provider sent no authorization code")
        grant = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": consent.redirect_uri,
            "code_verifier": self._cipher.open(consent.sealed_verifier),
        }
        try:
            issued = await self._endpoint.request(consent.client, grant)
        except TokenRequestFailed as failed:
            raise ConsentRefused(detail=failed.reason) from None
        async with self._uow() as uow:
            await self._grants.put(self._grant(consent.plugin_id, consent.user_id, issued, ""))
            await uow.commit()
        await self._audit.record(
            "plugin.oauth.authorize",
            AuditResult.OK,
            origin,
            actor_id=consent.user_id,
            target_type="plugin",
            target_id=consent.plugin_id,
        )
        return consent.plugin_id

    async def status(self, actor: Actor, plugin_id: int) -> AuthorizationStatus:
        async with self._uow():
            plugin = await self._access.plugin(actor, plugin_id, PluginAction.READ)
            client = plugin.auth.oauth if plugin.auth.per_user else None
            grant = None if client is None else await self._grants.get(plugin.id, actor.user_id)
        if client is None:
            return AuthorizationStatus(per_user=False, authorized=False)
        if grant is not None:
            return AuthorizationStatus(per_user=True, authorized=True)
        return AuthorizationStatus(True, False, await self.consent_link(plugin.id, client, actor.user_id))

    async def revoke(self, actor: Actor, plugin_id: int) -> None:
        """Forget the caller's tokens for the plugin; their next call asks for consent again."""
        async with self._uow() as uow:
            plugin = await self._access.plugin(actor, plugin_id, PluginAction.READ)
            dropped = await self._grants.delete(plugin.id, actor.user_id)
            await uow.commit()
        if dropped:
            await self._audit.record(
                "plugin.oauth.revoke", AuditResult.OK, actor, target_type="plugin", target_id=plugin.id
            )

    async def access_token(self, plugin_id: int, client: OAuthClient, user_id: int) -> str | None:
        """http_tool.UserTokens: the user's token for the plugin, renewed first when it is due."""
        if not user_id:
            return None
        lock = self._locks.setdefault((plugin_id, user_id), asyncio.Lock())
        async with lock:
            async with self._uow():
                grant = await self._grants.get(plugin_id, user_id)
            if grant is None:
                return None
            if not grant.due(self._clock.now(), RENEW_LEEWAY):
                return self._cipher.open(grant.sealed_access_token)
            return await self._renewed(grant, client)

    async def _renewed(self, grant: UserGrant, client: OAuthClient) -> str | None:
        if grant.sealed_refresh_token:
            refresh = self._cipher.open(grant.sealed_refresh_token)
            try:
                issued = await self._endpoint.request(
                    client, {"grant_type": "refresh_token", "refresh_token": refresh}
                )
            except TokenRequestFailed as failed:
                log.info("plugin_oauth_renew_failed plugin=%s reason=%s", grant.plugin_id, failed.reason)
            else:
                async with self._uow() as uow:
                    await self._grants.put(self._grant(grant.plugin_id, grant.user_id, issued, refresh))
                    await uow.commit()
                return issued.access_token
        async with self._uow() as uow:
            current = await self._grants.get(grant.plugin_id, grant.user_id, for_update=True)
            if current is not None and current.updated_at != grant.updated_at:
                return self._cipher.open(current.sealed_access_token)  # another process renewed it
            await self._grants.delete(grant.plugin_id, grant.user_id)
            await uow.commit()
        return None

    def _grant(self, plugin_id: int, user_id: int, issued: IssuedToken, refresh: str) -> UserGrant:
        now = self._clock.now()
        kept_refresh = issued.refresh_token or refresh  # a provider that does not rotate sends none
        return UserGrant(
            plugin_id,
            user_id,
            self._cipher.seal(issued.access_token),
            self._cipher.seal(kept_refresh) if kept_refresh else "",
            None if issued.expires_in is None else now + timedelta(seconds=issued.expires_in),
            issued.scope,
            now,
        )
