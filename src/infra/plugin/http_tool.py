"""The HTTP tool runtime: check the model's arguments against the tool's schema, authorize, send the
request through the guarded outbound client (ADR 0042) and read the answer back.

Every call is logged with the plugin, the tool, the status and the duration; never with the
arguments' values or any secret."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from jsonschema import Draft202012Validator

from domain.common.outbound import OutboundClient, OutboundFailed, OutboundRefused, OutboundRequest
from domain.common.secrets import SecretCipher
from domain.plugin.auth import AuthKind, OAuthClient, OAuthFlow, PluginAuth, TokenLocation
from domain.plugin.grants import TokenRequestFailed
from domain.plugin.invocation import (
    Credentials,
    ToolAnswer,
    ToolArgumentsInvalid,
    ToolCallFailed,
    ToolNeedsAuthorization,
    ToolTarget,
    prepared,
    result_text,
    trimmed,
    unknown_arguments,
)
from domain.plugin.ports import TokenEndpoint
from infra.plugin.token_endpoint import OAuthTokenEndpoint

log = logging.getLogger("cozeplus.plugin")

DEFAULT_TIMEOUT_S = 30.0
DEFAULT_MAX_BYTES = 2 * 1024 * 1024
TOKEN_LEEWAY_S = 30.0  # a cached OAuth token is renewed this long before it expires


class UserTokens(Protocol):
    async def access_token(self, plugin_id: int, client: OAuthClient, user_id: int) -> str | None:
        """The user's current access token for the plugin (renewed when due), or None when they
        have not authorized it (or its grant can no longer be renewed)."""
        ...


@lru_cache(maxsize=512)
def _validator(schema_json: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads(schema_json))


def checked_arguments(target: ToolTarget, arguments: Any) -> Mapping[str, Any]:
    if not isinstance(arguments, dict):
        raise ToolArgumentsInvalid(detail="the arguments must be a JSON object")
    unknown = unknown_arguments(target.operation, arguments)
    if unknown:
        raise ToolArgumentsInvalid(detail=f"unknown arguments {unknown}")
    schema = json.dumps(target.operation.arguments, sort_keys=True)
    error = next(iter(_validator(schema).iter_errors(arguments)), None)
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(arguments)"
        raise ToolArgumentsInvalid(detail=f"{where}: {error.message[:300]}")
    return arguments


@dataclass
class _Token:
    value: str
    expires_at: float


class HttpToolRunner:
    def __init__(
        self,
        outbound: OutboundClient,
        cipher: SecretCipher,
        user_tokens: UserTokens | None = None,
        token_endpoint: TokenEndpoint | None = None,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        self._outbound, self._cipher, self._user_tokens = outbound, cipher, user_tokens
        self._tokens = token_endpoint or OAuthTokenEndpoint(outbound, cipher, timeout_s=timeout_s)
        self._timeout_s, self._max_bytes = timeout_s, max_bytes
        self._plugin_tokens: dict[tuple[int, str], _Token] = {}

    async def call(self, target: ToolTarget, arguments: Any, *, user_id: int = 0) -> ToolAnswer:
        checked = checked_arguments(target, arguments)
        credentials = await self._credentials(target, user_id)
        request = prepared(target.operation, target.server_url, checked, credentials)
        started = time.perf_counter()
        status = 0
        try:
            response = await self._outbound.send(
                OutboundRequest(
                    request.url,
                    request.method,
                    request.headers,
                    request.body,
                    timeout_s=self._timeout_s,
                    max_bytes=self._max_bytes,
                )
            )
            status = response.status
        except OutboundRefused as refused:
            raise ToolCallFailed(detail=f"the URL is not allowed: {refused}") from None
        except OutboundFailed as failed:
            raise ToolCallFailed(detail=f"the API could not be reached: {failed}") from None
        finally:
            took = (time.perf_counter() - started) * 1000
            log.info(
                "plugin_tool_call plugin=%s tool=%s status=%s duration_ms=%.1f",
                target.plugin_id,
                target.operation.name,
                status,
                took,
            )
        body = _decoded(response.body, response.content_type)
        if status < 400 and not isinstance(body, str):
            body = trimmed(body, target.operation.responses)
        return ToolAnswer(status, body, result_text(status, body), request.shown(), took)

    async def _credentials(self, target: ToolTarget, user_id: int) -> Credentials:
        auth = target.auth
        if auth.kind is AuthKind.NONE:
            return Credentials()
        if auth.kind is AuthKind.SERVICE and auth.service is not None:
            token = self._cipher.open(auth.service.sealed_token)
            if auth.service.location is TokenLocation.QUERY:
                return Credentials(query={auth.service.name: token})
            return Credentials(headers={auth.service.name: token})
        if auth.oauth is not None and auth.oauth.flow is OAuthFlow.CLIENT_CREDENTIALS:
            return Credentials(headers={"Authorization": f"Bearer {await self._plugin_token(target, auth)}"})
        if auth.per_user and auth.oauth is not None:
            users = self._user_tokens
            given = None if users is None else await users.access_token(target.plugin_id, auth.oauth, user_id)
            if given is None:
                raise ToolNeedsAuthorization(plugin_id=str(target.plugin_id))
            return Credentials(headers={"Authorization": f"Bearer {given}"})
        raise ToolCallFailed(detail="the plugin's authorization settings are incomplete")

    async def _plugin_token(self, target: ToolTarget, auth: PluginAuth) -> str:
        """A client-credentials token, fetched once and kept until shortly before it expires."""
        client = auth.oauth
        assert client is not None
        key = (target.plugin_id, client.client_id)
        cached = self._plugin_tokens.get(key)
        if cached is not None and cached.expires_at - TOKEN_LEEWAY_S > time.monotonic():
            return cached.value
        grant = {"grant_type": "client_credentials", **({"scope": client.scope} if client.scope else {})}
        try:
            issued = await self._tokens.request(client, grant)
        except TokenRequestFailed as failed:
            raise ToolCallFailed(detail=failed.reason) from None
        lifetime = issued.expires_in or 3600.0
        self._plugin_tokens[key] = _Token(issued.access_token, time.monotonic() + lifetime)
        return issued.access_token


def _decoded(body: bytes, content_type: str) -> Any:
    text = body.decode("utf-8", "replace")
    if content_type == "application/json" or content_type.endswith("+json"):
        try:
            return json.loads(text)
        except ValueError:
            return text  # said JSON, is not: the model gets the text
    return text
