"""End users' OAuth authorizations of plugins (Coze Studio's paths and shapes): the consent status
with its link, revoking, the form schema of the OAuth settings, and the callback the provider sends
the user back to. The callback is public: its one-time state names the user and the plugin."""

from __future__ import annotations

import json
from typing import Annotated, Any

import msgspec
from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, QueryParameter
from litestar.response import Redirect

from api.envelope import Envelope
from api.schemas import Int64Str, parse_id
from api.security.identity import CurrentActor, origin_of
from application.plugin.authorizations import UserAuthorizations

Authorizations = NamedDependency[UserAuthorizations]
AUTHORIZED_PAGE = "/information/auth/success"  # the studio's page saying the consent is done
AUTHORIZED, UNAUTHORIZED = 1, 2  # Coze's OAuthStatus

# The fields of each OAuth kind as an editor shows them (sub_type: fields); secrets are write-only.
OAUTH_SCHEMA = {
    "auth_types": [
        {
            "type": "oauth",
            "sub_type": "client_credentials",
            "fields": [
                {"key": "client_id", "required": True, "secret": False},
                {"key": "client_secret", "required": True, "secret": True},
                {"key": "token_url", "required": True, "secret": False, "format": "url"},
                {"key": "scope", "required": False, "secret": False},
            ],
        },
        {
            "type": "oauth",
            "sub_type": "authorization_code",
            "fields": [
                {"key": "client_id", "required": True, "secret": False},
                {"key": "client_secret", "required": True, "secret": True},
                {"key": "client_url", "required": True, "secret": False, "format": "url"},
                {"key": "authorization_url", "required": True, "secret": False, "format": "url"},
                {"key": "scope", "required": False, "secret": False},
            ],
        },
    ]
}


class PluginRef(msgspec.Struct, forbid_unknown_fields=True):
    plugin_id: Int64Str


class RevokeRequest(msgspec.Struct, forbid_unknown_fields=True):
    plugin_id: Int64Str
    bot_id: Int64Str | None = None  # Coze's draft/online distinction: one grant per user here
    context_type: int | None = None


class OAuthSchemaResponse(Envelope, kw_only=True):
    oauth_schema: str
    ide_conf: str = ""


class OAuthStatusResponse(Envelope, kw_only=True):
    is_oauth: bool
    status: int
    content: str  # the consent link while the user has not authorized


def _schema() -> OAuthSchemaResponse:
    return OAuthSchemaResponse(oauth_schema=json.dumps(OAUTH_SCHEMA))


@post("/api/plugin_api/get_oauth_schema", status_code=200, tags=["plugin"])
async def get_oauth_schema(actor: CurrentActor) -> OAuthSchemaResponse:
    return _schema()


@post("/api/plugin/get_oauth_schema", status_code=200, tags=["plugin"])
async def get_oauth_schema_legacy(actor: CurrentActor) -> OAuthSchemaResponse:
    return _schema()


@post("/api/plugin_api/get_oauth_status", status_code=200, tags=["plugin"])
async def get_oauth_status(
    actor: CurrentActor, plugin_authorizations: Authorizations, data: JSONBody[PluginRef]
) -> OAuthStatusResponse:
    found = await plugin_authorizations.status(actor, parse_id(data.plugin_id))
    return OAuthStatusResponse(
        is_oauth=found.per_user,
        status=AUTHORIZED if found.authorized or not found.per_user else UNAUTHORIZED,
        content=found.consent_url,
    )


@post("/api/plugin_api/revoke_auth_token", status_code=200, tags=["plugin"])
async def revoke_auth_token(
    actor: CurrentActor, plugin_authorizations: Authorizations, data: JSONBody[RevokeRequest]
) -> Envelope:
    await plugin_authorizations.revoke(actor, parse_id(data.plugin_id))
    return Envelope()


@get("/api/oauth/authorization_code", opt={"public": True}, include_in_schema=False)
async def oauth_authorization_code(
    request: Request[Any, Any, Any],
    plugin_authorizations: Authorizations,
    code: Annotated[str, QueryParameter(max_length=2048)] = "",
    given_state: Annotated[str, QueryParameter(name="state", max_length=512)] = "",  # `state` is reserved
    error: Annotated[str, QueryParameter(max_length=256)] = "",
) -> Response[Any]:
    await plugin_authorizations.complete(origin_of(request), given_state, code, error)
    return Redirect(AUTHORIZED_PAGE, status_code=302, headers={"cache-control": "no-store"})


ROUTES = [
    get_oauth_schema,
    get_oauth_schema_legacy,
    get_oauth_status,
    revoke_auth_token,
    oauth_authorization_code,
]
