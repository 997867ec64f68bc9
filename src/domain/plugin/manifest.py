"""Coze's plugin manifest (the `ai_plugin` JSON beside the OpenAPI document) and the auth settings
a caller sends, before their secrets are sealed.

Coze's auth payload names, as its manifest and its OAuth form use them: a service token has `key`,
`service_token` and `location` ("Header" or "Query"); an OAuth client has `client_id` and
`client_secret`, and `token_url` (client credentials) or, for the authorization code, `client_url`
(the consent page the user is sent to) and `authorization_url` (where the code is exchanged)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from domain.plugin.auth import AuthKind, OAuthFlow, TokenLocation
from domain.plugin.errors import InvalidManifest

MAX_MANIFEST_CHARS = 100_000
AUTH_TYPES = {"none": AuthKind.NONE, "service_http": AuthKind.SERVICE, "oauth": AuthKind.OAUTH}
SERVICE_SUB_TYPE = "token/api_key"  # Coze's sub_type of a service token
_LOCATIONS = {"header": TokenLocation.HEADER, "query": TokenLocation.QUERY}


@dataclass(frozen=True, slots=True)
class AuthInput:
    """Auth as a caller sends it, secrets in the clear; an empty secret keeps the stored one when
    the kind stays the same (the API never returns secrets, so a form cannot send them back)."""

    kind: AuthKind = AuthKind.NONE
    location: TokenLocation = TokenLocation.HEADER
    key: str = ""
    service_token: str = ""
    flow: OAuthFlow = OAuthFlow.CLIENT_CREDENTIALS
    client_id: str = ""
    client_secret: str = ""
    token_url: str = ""
    authorization_url: str = ""
    scope: str = ""


@dataclass(frozen=True, slots=True)
class Manifest:
    name: str
    description: str
    description_for_model: str
    logo_url: str
    auth: AuthInput
    raw: Mapping[str, Any] = field(default_factory=dict)  # as given, with the auth payload removed


def token_location(value: Any, at: str) -> TokenLocation:
    location = _LOCATIONS.get(str(value or "header").lower())
    if location is None:
        raise InvalidManifest(at, "the token goes in the Header or the Query")
    return location


def oauth_input(payload: Mapping[str, Any], sub_type: str, at: str) -> AuthInput:
    def text(name: str, *, required: bool = True) -> str:
        value = payload.get(name, "")
        if not isinstance(value, str) or (required and not value.strip()):
            raise InvalidManifest(f"{at}/{name}", f"{name} is required")
        return value.strip()

    if sub_type == OAuthFlow.CLIENT_CREDENTIALS.value:
        return AuthInput(
            AuthKind.OAUTH,
            flow=OAuthFlow.CLIENT_CREDENTIALS,
            client_id=text("client_id"),
            client_secret=text("client_secret", required=False),
            token_url=text("token_url"),
            scope=text("scope", required=False),
        )
    if sub_type == OAuthFlow.AUTHORIZATION_CODE.value:
        return AuthInput(
            AuthKind.OAUTH,
            flow=OAuthFlow.AUTHORIZATION_CODE,
            client_id=text("client_id"),
            client_secret=text("client_secret", required=False),
            authorization_url=text("client_url"),
            token_url=text("authorization_url"),
            scope=text("scope", required=False),
        )
    raise InvalidManifest(at.rsplit("/", 1)[0] + "/sub_type", f"unknown OAuth sub_type {sub_type[:40]!r}")


def _payload(auth: Mapping[str, Any]) -> dict[str, Any]:
    raw = auth.get("payload") or "{}"
    try:
        payload = json.loads(raw) if isinstance(raw, str) else raw
    except json.JSONDecodeError:
        raise InvalidManifest("/auth/payload", "the auth payload is a JSON object in a string") from None
    if not isinstance(payload, dict):
        raise InvalidManifest("/auth/payload", "the auth payload is a JSON object in a string")
    return payload


def manifest_auth(auth: Any) -> AuthInput:
    if auth is None:
        return AuthInput()
    if not isinstance(auth, dict):
        raise InvalidManifest("/auth", "auth must be an object")
    kind = AUTH_TYPES.get(str(auth.get("type", "none")))
    if kind is None:
        raise InvalidManifest("/auth/type", "auth type is none, service_http or oauth")
    if kind is AuthKind.NONE:
        return AuthInput()
    payload = _payload(auth)
    sub_type = str(auth.get("sub_type") or "")
    if kind is AuthKind.SERVICE:
        if sub_type not in ("", SERVICE_SUB_TYPE):
            raise InvalidManifest("/auth/sub_type", f"service_http takes sub_type {SERVICE_SUB_TYPE}")
        key = payload.get("key")
        if not isinstance(key, str) or not key.strip():
            raise InvalidManifest("/auth/payload/key", "name the header or query parameter (key)")
        token = payload.get("service_token", "")
        return AuthInput(
            AuthKind.SERVICE,
            token_location(payload.get("location"), "/auth/payload/location"),
            key.strip(),
            token if isinstance(token, str) else "",
        )
    return oauth_input(payload, sub_type, "/auth/payload")


def parse_manifest(text: str) -> Manifest:
    if len(text) > MAX_MANIFEST_CHARS:
        raise InvalidManifest("", f"the manifest is longer than {MAX_MANIFEST_CHARS:,} characters")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidManifest("", f"not valid JSON: {exc.msg} (line {exc.lineno})") from None
    if not isinstance(data, dict):
        raise InvalidManifest("", "the manifest must be a JSON object")
    if data.get("schema_version", "v1") != "v1":
        raise InvalidManifest("/schema_version", "schema_version is v1")
    api = data.get("api") or {"type": "openapi"}
    if not isinstance(api, dict) or api.get("type", "openapi") != "openapi":
        raise InvalidManifest("/api/type", "only openapi plugins are registered from code")

    def text_field(name: str, *, required: bool) -> str:
        value = data.get(name, "")
        if not isinstance(value, str) or (required and not value.strip()):
            raise InvalidManifest(f"/{name}", f"{name} is required")
        return value.strip()

    auth = manifest_auth(data.get("auth"))
    raw = dict(data)
    if isinstance(raw.get("auth"), dict):  # the payload may hold secrets: they are kept sealed only
        raw["auth"] = {k: v for k, v in raw["auth"].items() if k != "payload"}
    return Manifest(
        name=text_field("name_for_human", required=True),
        description=text_field("description_for_human", required=True),
        description_for_model=text_field("description_for_model", required=False),
        logo_url=text_field("logo_url", required=False),
        auth=auth,
        raw=raw,
    )


def plain_manifest(name: str, description: str) -> str:
    """The manifest of a plugin without authorization, for a document converted from elsewhere:
    what register takes beside it (the editor may change the auth before registering)."""
    name = name.strip() or "Imported API"
    description = description.strip() or name
    model_name = "_".join(name.lower().split())[:64]
    return json.dumps(
        {
            "schema_version": "v1",
            "name_for_model": model_name,
            "name_for_human": name,
            "description_for_model": description,
            "description_for_human": description,
            "auth": {"type": "none"},
            "logo_url": "",
            "api": {"type": "openapi"},
        },
        ensure_ascii=False,
    )
