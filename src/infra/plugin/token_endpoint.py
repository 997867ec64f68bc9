"""domain.plugin.ports.TokenEndpoint over the guarded client: an OAuth 2 token request (RFC 6749
§3.2) with the client's id and secret in HTTP Basic auth, its answer read as JSON."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from urllib.parse import quote, urlencode

from domain.common.outbound import OutboundClient, OutboundFailed, OutboundRefused, OutboundRequest
from domain.common.secrets import SecretCipher
from domain.plugin.auth import OAuthClient
from domain.plugin.grants import IssuedToken, TokenRequestFailed

MAX_TOKEN_ANSWER = 64 * 1024
DEFAULT_TIMEOUT_S = 30.0


def _basic(client_id: str, secret: str) -> str:
    # RFC 6749 §2.3.1: both are form-encoded before they are joined.
    pair = f"{quote(client_id, safe='')}:{quote(secret, safe='')}"
    return "Basic " + base64.b64encode(pair.encode()).decode()


class OAuthTokenEndpoint:
    def __init__(
        self, outbound: OutboundClient, cipher: SecretCipher, *, timeout_s: float = DEFAULT_TIMEOUT_S
    ) -> None:
        self._outbound, self._cipher, self._timeout_s = outbound, cipher, timeout_s

    async def request(self, client: OAuthClient, grant: Mapping[str, str]) -> IssuedToken:
        secret = self._cipher.open(client.sealed_client_secret)
        try:
            response = await self._outbound.send(
                OutboundRequest(
                    client.token_url,
                    "POST",
                    {
                        "authorization": _basic(client.client_id, secret),
                        "content-type": "application/x-www-form-urlencoded",
                        "accept": "application/json",
                    },
                    urlencode(dict(grant)).encode(),
                    timeout_s=self._timeout_s,
                    max_bytes=MAX_TOKEN_ANSWER,
                )
            )
        except (OutboundRefused, OutboundFailed) as exc:
            raise TokenRequestFailed(f"the token endpoint could not be reached: {exc}") from None
        try:
            answer = json.loads(response.body.decode("utf-8", "replace"))
        except ValueError:
            answer = None
        if response.status >= 400 or not isinstance(answer, dict):
            error = answer.get("error") if isinstance(answer, dict) else None
            said = f": {str(error)[:80]}" if isinstance(error, str) else ""
            raise TokenRequestFailed(f"the token endpoint refused (HTTP {response.status}{said})")
        token = answer.get("access_token")
        if not isinstance(token, str) or not token:
            raise TokenRequestFailed("the token endpoint gave no access_token")
        expires_in = answer.get("expires_in")
        refresh = answer.get("refresh_token")
        scope = answer.get("scope")
        return IssuedToken(
            token,
            refresh if isinstance(refresh, str) else "",
            float(expires_in) if isinstance(expires_in, int | float) and expires_in > 0 else None,
            scope if isinstance(scope, str) else "",
        )
