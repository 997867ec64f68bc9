"""SPA bodies of the plugin routes, after Coze Studio's plugin_develop IDL (field names, enums as
numbers, ids and times as strings). Secrets are never answered: `service_token` and `client_secret`
are empty, and the cozeplus fields `service_token_set` / `client_secret_set` say whether one is
stored."""

from __future__ import annotations

import json
from typing import Annotated, Any

import msgspec
import yaml

from api.envelope import Envelope
from api.schemas import id_str, seconds_text
from application.plugin.registry import PluginView
from crossdomain.user import UserCard
from domain.plugin.auth import AuthKind, OAuthFlow, PluginAuth, TokenLocation
from domain.plugin.entities import DebugStatus, Plugin, PluginKind, PluginStatus, PluginVersion, Tool
from domain.plugin.errors import InvalidPluginRequest
from domain.plugin.manifest import SERVICE_SUB_TYPE, AuthInput, oauth_input
from domain.plugin.mcp import mcp_endpoint
from domain.plugin.parameters import Parameter, ParamType, request_parameters, response_parameters
from domain.plugin.tools import Location, Method, ToolOperation

MAX_DOCUMENT = 1_000_000  # characters of an OpenAPI document (the reader's own cap)
MAX_MANIFEST = 100_000
Text = Annotated[str, msgspec.Meta(max_length=2000)]
Document = Annotated[str, msgspec.Meta(max_length=MAX_DOCUMENT)]
ManifestText = Annotated[str, msgspec.Meta(max_length=MAX_MANIFEST)]
Secret = Annotated[str, msgspec.Meta(max_length=4096)]
# Coze's APIMethod numbers and the tool's HTTP method.
METHODS = {1: Method.GET, 2: Method.POST, 3: Method.PUT, 4: Method.DELETE, 5: Method.PATCH}
METHOD_NUMBERS = {m: n for n, m in METHODS.items()}
# Coze's sub_auth_type: 0 a service token; OAuth 4 authorization code, 10 client credentials.
SUB_AUTH_CODE, SUB_AUTH_CLIENT = 4, 10
PLUGIN_TYPE_PLUGIN = 1  # Coze's PluginType: an HTTP (OpenAPI) plugin
PLUGIN_TYPE_MCP = 7  # cozeplus: a remote MCP server (Coze's PluginType ends at 6 LOCAL; ADR 0064)
STATUS_NUMBERS = {PluginStatus.DRAFT: 0, PluginStatus.PUBLISHED: 4}  # Coze's PluginStatus


class EditVersionResponse(Envelope, kw_only=True):
    edit_version: int


class PluginIcon(msgspec.Struct):
    uri: Annotated[str, msgspec.Meta(max_length=1024)] = ""
    url: Annotated[str, msgspec.Meta(max_length=2048)] = ""


class APIParameter(msgspec.Struct):
    name: Annotated[str, msgspec.Meta(max_length=128)]
    type: Annotated[int, msgspec.Meta(ge=1, le=6)] = 1
    location: Annotated[int, msgspec.Meta(ge=1, le=4)] = 2
    desc: Text = ""
    is_required: bool = False
    sub_parameters: list[APIParameter] = msgspec.field(default_factory=list)
    global_default: Annotated[str, msgspec.Meta(max_length=1000)] | None = None
    id: str = ""
    sub_type: int | None = None
    global_disable: bool = False
    local_default: str | None = None
    local_disable: bool = False
    default_param_source: int | None = None
    variable_ref: str | None = None
    assist_type: int | None = None

    def parameter(self, depth: int = 0) -> Parameter:
        if depth > 8:
            raise InvalidPluginRequest(detail="parameters nest at most 8 levels")
        return Parameter(
            name=self.name.strip(),
            type=ParamType(self.type),
            location=Location(self.location),
            required=self.is_required,
            description=self.desc,
            children=tuple(p.parameter(depth + 1) for p in self.sub_parameters),
            default=self.global_default,
        )

    @classmethod
    def of(cls, p: Parameter, prefix: str = "") -> APIParameter:
        ident = f"{prefix}{p.name}"
        return cls(
            id=ident,
            name=p.name,
            desc=p.description,
            type=int(p.type),
            location=int(p.location),
            is_required=p.required,
            sub_parameters=[cls.of(c, ident + ".") for c in p.children],
            global_default=p.default,
        )


def parameters(given: list[APIParameter] | None) -> list[Parameter] | None:
    return None if given is None else [p.parameter() for p in given]


class APIExtend(msgspec.Struct):
    auth_mode: int = 0


class PluginAPIInfo(msgspec.Struct):
    plugin_id: str
    api_id: str
    name: str
    desc: str
    path: str
    method: int
    request_params: list[APIParameter]
    response_params: list[APIParameter]
    create_time: str
    debug_status: int
    disabled: bool
    online_status: int  # 1 when a published version has the tool
    statistic_data: dict[str, Any] = msgspec.field(default_factory=dict)
    api_extend: APIExtend = msgspec.field(default_factory=APIExtend)
    debug_example_status: int = 0
    function_name: str = ""

    @classmethod
    def of(cls, tool: Tool, online: bool) -> PluginAPIInfo:
        info = cls.of_operation(tool.plugin_id, tool.operation)
        info.api_id, info.create_time = id_str(tool.id), seconds_text(tool.created_at)
        info.debug_status, info.disabled, info.online_status = (
            int(tool.debug_status),
            not tool.activated,
            int(online),
        )
        return info

    @classmethod
    def of_operation(cls, plugin_id: int, op: ToolOperation) -> PluginAPIInfo:
        """An operation that is no tool (yet): no id, no time."""
        return cls(
            plugin_id=id_str(plugin_id),
            api_id="",
            name=op.name,
            desc=op.description,
            path=op.path,
            method=METHOD_NUMBERS[op.method],
            request_params=[APIParameter.of(p) for p in request_parameters(op)],
            response_params=[APIParameter.of(p) for p in response_parameters(op)],
            create_time="",
            debug_status=int(DebugStatus.WAITING),
            disabled=False,
            online_status=0,
        )


class PluginMetaInfo(msgspec.Struct):
    name: str
    desc: str
    url: str
    icon: PluginIcon
    auth_type: list[int]
    location: int | None = None
    key: str | None = None
    service_token: str | None = None  # never the token: "" when one is stored
    oauth_info: str | None = None  # the OAuth settings without the client secret
    sub_auth_type: int | None = None
    fixed_export_ip: bool = False
    service_token_set: bool = False  # cozeplus
    client_secret_set: bool = False  # cozeplus
    mcp_transport: str | None = None  # cozeplus, MCP plugins: "streamable_http" or "sse"

    @classmethod
    def of(cls, plugin: Plugin) -> PluginMetaInfo:
        auth = plugin.auth
        endpoint = mcp_endpoint(plugin.server_url) if plugin.kind is PluginKind.MCP else None
        url = endpoint[1] if endpoint else plugin.server_url
        meta = cls(plugin.name, plugin.description, url, icon(plugin.icon_uri), [int(auth.kind)])
        if endpoint is not None:
            meta.mcp_transport = endpoint[0].value
        if auth.service is not None:
            meta.location, meta.key = int(auth.service.location), auth.service.name
            meta.service_token, meta.service_token_set, meta.sub_auth_type = "", True, 0
        if auth.oauth is not None:
            meta.oauth_info = json.dumps(oauth_public(auth))
            meta.client_secret_set = bool(auth.oauth.sealed_client_secret)
            code = auth.oauth.flow is OAuthFlow.AUTHORIZATION_CODE
            meta.sub_auth_type = SUB_AUTH_CODE if code else SUB_AUTH_CLIENT
        return meta


def icon(uri: str) -> PluginIcon:
    return PluginIcon(uri, uri if uri.startswith(("http://", "https://", "/")) else "")


def oauth_public(auth: PluginAuth) -> dict[str, str]:
    """The OAuth settings in Coze's payload names, without the client secret."""
    o = auth.oauth
    if o is None:
        return {}
    if o.flow is OAuthFlow.CLIENT_CREDENTIALS:
        return {"client_id": o.client_id, "token_url": o.token_url, "scope": o.scope}
    return {
        "client_id": o.client_id,
        "client_url": o.authorization_url,
        "authorization_url": o.token_url,
        "scope": o.scope,
        "authorization_content_type": "application/json",
    }


def form_auth(
    auth_type: int | None,
    sub_auth_type: int | None,
    location: int | None,
    key: str | None,
    service_token: str | None,
    oauth_info: str | None,
) -> AuthInput:
    """The auth fields of register_plugin_meta and update_plugin_meta."""
    if not auth_type:
        return AuthInput()
    if auth_type == AuthKind.SERVICE:
        return AuthInput(
            AuthKind.SERVICE, TokenLocation(location or 1), (key or "").strip(), service_token or ""
        )
    if auth_type not in (AuthKind.OAUTH, 4):  # 4: Coze's deprecated Standard, the same as OAuth
        raise InvalidPluginRequest(detail="auth_type is 0 (none), 1 (service token) or 3 (OAuth)")
    try:
        payload = json.loads(oauth_info or "{}")
    except json.JSONDecodeError:
        raise InvalidPluginRequest(detail="oauth_info is a JSON object in a string") from None
    if not isinstance(payload, dict):
        raise InvalidPluginRequest(detail="oauth_info is a JSON object in a string")
    flow = OAuthFlow.AUTHORIZATION_CODE if sub_auth_type == SUB_AUTH_CODE else OAuthFlow.CLIENT_CREDENTIALS
    return oauth_input(payload, flow.value, "/oauth_info")


class CodeInfo(msgspec.Struct):
    plugin_desc: str  # the manifest, without secrets
    openapi_desc: str  # the draft document as YAML
    client_id: str = ""
    client_secret: str = ""  # never answered
    service_token: str = ""  # never answered

    @classmethod
    def of(cls, plugin: Plugin) -> CodeInfo:
        document = yaml.safe_dump(dict(plugin.document), sort_keys=False, allow_unicode=True)
        client_id = plugin.auth.oauth.client_id if plugin.auth.oauth else ""
        return cls(json.dumps(manifest_of(plugin), ensure_ascii=False), document, client_id)


def manifest_of(plugin: Plugin) -> dict[str, Any]:
    """Coze's manifest for the plugin as it is now; the auth payload carries no secret."""
    auth = plugin.auth
    base: dict[str, Any] = dict(plugin.manifest or {})
    payload: dict[str, Any] = {}
    kind = {AuthKind.NONE: "none", AuthKind.SERVICE: "service_http", AuthKind.OAUTH: "oauth"}[auth.kind]
    sub_type = ""
    if auth.service is not None:
        place = "Header" if auth.service.location is TokenLocation.HEADER else "Query"
        payload, sub_type = {"key": auth.service.name, "location": place}, SERVICE_SUB_TYPE
    elif auth.oauth is not None:
        payload, sub_type = oauth_public(auth), auth.oauth.flow.value
    base.update(
        schema_version="v1",
        name_for_model=base.get("name_for_model") or plugin.name,
        name_for_human=plugin.name,
        description_for_model=base.get("description_for_model") or plugin.description,
        description_for_human=plugin.description,
        logo_url=plugin.icon_uri,
        api={"type": "mcp" if plugin.kind is PluginKind.MCP else "openapi"},
        auth={"type": kind, "sub_type": sub_type, "payload": json.dumps(payload) if payload else ""},
    )
    return base


class PluginCreator(msgspec.Struct):
    id: str
    name: str = ""
    avatar_url: str = ""
    self: bool = False
    space_roly_type: int = 0
    user_unique_name: str = ""

    @classmethod
    def of(cls, creator_id: int, card: UserCard | None, viewer: int) -> PluginCreator:
        if card is None:
            return cls(id_str(creator_id), self=creator_id == viewer)
        return cls(id_str(creator_id), card.name, card.avatar_url, creator_id == viewer, 0, card.unique_name)


class PluginParameter(msgspec.Struct):
    name: str
    desc: str
    required: bool
    type: str
    sub_parameters: list[PluginParameter]
    sub_type: str = ""

    @classmethod
    def of(cls, p: Parameter) -> PluginParameter:
        names = {1: "string", 2: "integer", 3: "number", 4: "object", 5: "array", 6: "boolean"}
        sub = names[int(p.children[0].type)] if p.type is ParamType.ARRAY and p.children else ""
        return cls(
            p.name, p.description, p.required, names[int(p.type)], [cls.of(c) for c in p.children], sub
        )


class PluginApi(msgspec.Struct):
    name: str
    desc: str
    parameters: list[PluginParameter]
    plugin_id: str
    plugin_name: str
    api_id: str
    record_id: str = ""
    run_mode: int = 0


class PluginInfoForPlayground(msgspec.Struct):
    id: str
    name: str
    desc_for_human: str
    plugin_icon: str
    plugin_type: int
    status: int
    auth: int
    plugin_apis: list[PluginApi]
    create_time: str
    update_time: str
    creator: PluginCreator
    space_id: str
    version_ts: str
    version_name: str
    client_id: str = ""
    client_secret: str = ""  # never answered
    tag: int = 0
    statistic_data: dict[str, Any] = msgspec.field(default_factory=dict)
    plugin_product_status: int = 0
    plugin_product_unlist_type: int = 0
    material_id: str = ""
    channel_id: int = 0
    creation_method: int = 0
    is_official: bool = False
    project_id: str = ""
    can_edit: bool = False  # cozeplus: whether the caller may change the plugin

    @classmethod
    def of(cls, view: PluginView, viewer: int) -> PluginInfoForPlayground:
        p = view.plugin
        apis = [
            PluginApi(
                t.name,
                t.description,
                [PluginParameter.of(x) for x in request_parameters(t.operation)],
                id_str(p.id),
                p.name,
                id_str(t.id),
            )
            for t in view.tools
        ]
        return cls(
            id=id_str(p.id),
            name=p.name,
            desc_for_human=p.description,
            plugin_icon=icon(p.icon_uri).url,
            plugin_type=plugin_type(p),
            status=STATUS_NUMBERS[p.status],
            auth=int(p.auth.kind),
            plugin_apis=apis,
            create_time=seconds_text(p.created_at),
            update_time=seconds_text(p.updated_at),
            creator=PluginCreator.of(p.creator_id, view.creator, viewer),
            space_id=id_str(p.space_id),
            version_ts=version_ts(p.published_at),
            version_name=p.version_name,
            client_id=p.auth.oauth.client_id if p.auth.oauth else "",
            can_edit=view.can_edit,
        )


def plugin_type(plugin: Plugin) -> int:
    return PLUGIN_TYPE_MCP if plugin.kind is PluginKind.MCP else PLUGIN_TYPE_PLUGIN


def version_ts(at: Any) -> str:
    """Coze's version_ts: the publishing time in milliseconds ("" before the first)."""
    return "" if at is None else str(int(at.timestamp() * 1000))


class PluginPublishInfo(msgspec.Struct):
    publisher_id: str
    version_ts: int  # milliseconds, a number as in Coze's IDL
    version_name: str
    version_desc: str

    @classmethod
    def of(cls, v: PluginVersion) -> PluginPublishInfo:
        return cls(id_str(v.creator_id), int(v.created_at.timestamp() * 1000), v.version, v.description)
