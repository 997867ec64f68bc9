"""What the plugin routes' request bodies share (api/web/plugins.py, plugin_tools.py,
plugin_playground.py): the field types, and the field groups two routes send alike. The bases are
keyword-only, so a route's own required fields stay first and the wire shapes stay as they were."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from api.schemas import BodyPage, BodySize100, Int64Str
from api.web.plugin_schemas import APIExtend, APIParameter, PluginIcon, Secret, form_auth
from domain.plugin.entities import MAX_NAME
from domain.plugin.manifest import AuthInput

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_NAME, pattern=r"\S")]
SearchName = Annotated[str, msgspec.Meta(max_length=MAX_NAME)]
ToolName = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="the operationId")]
IdList = Annotated[list[Int64Str], msgspec.Meta(max_length=100)]
Params = Annotated[list[APIParameter], msgspec.Meta(max_length=100)]
Method = Annotated[int, msgspec.Meta(ge=1, le=5, description="1 GET, 2 POST, 3 PUT, 4 DELETE, 5 PATCH")]
AuthType = Annotated[int, msgspec.Meta(ge=0, le=4, description="0 none, 1 service token, 3 OAuth")]
Location = Annotated[int, msgspec.Meta(ge=1, le=2, description="1 header, 2 query")]
Path = Annotated[str, msgspec.Meta(max_length=1024, pattern=r"^/", description="relative to the server URL")]
Url = Annotated[str, msgspec.Meta(max_length=2048)]
OAuthInfo = Annotated[str, msgspec.Meta(max_length=10_000)]
TokenKey = Annotated[str, msgspec.Meta(max_length=100)]
PluginType = Annotated[int, msgspec.Meta(description="Coze's PluginType (1 HTTP); cozeplus: 7 an MCP server")]
Transport = Annotated[
    Literal["streamable_http", "sse"], msgspec.Meta(description="an MCP plugin's transport (cozeplus)")
]


class CodeSecrets(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Sent by Coze Studio beside a manifest (register, update); the manifest decides."""

    client_id: str | None = None
    client_secret: str | None = None
    service_token: str | None = None


class MetaFields(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The form's server URL, icon and auth (register_plugin_meta, update_plugin_meta)."""

    url: Url | None = None
    icon: PluginIcon | None = None
    auth_type: AuthType | None = None
    sub_auth_type: int | None = None
    location: Location | None = None
    key: TokenKey | None = None
    service_token: Secret | None = None
    oauth_info: OAuthInfo | None = None
    common_params: dict[str, list[dict[str, str]]] | None = None
    creation_method: int | None = None
    plugin_type: PluginType | None = None
    auth_payload: str | None = None
    fixed_export_ip: bool | None = None
    mcp_transport: Transport | None = None  # cozeplus: with plugin_type 7 (streamable_http by default)

    def auth(self) -> AuthInput:
        return form_auth(
            self.auth_type, self.sub_auth_type, self.location, self.key, self.service_token, self.oauth_info
        )


class ToolFields(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A tool's operation as create_api and update_api send it."""

    path: Path | None = None
    method: Method | None = None
    api_extend: APIExtend | None = None
    request_params: Params | None = None
    response_params: Params | None = None
    disabled: bool | None = None
    edit_version: int | None = None
    function_name: str | None = None


class SpacePage(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A page of a space's plugins (get_dev_plugin_list, get_playground_plugin_list)."""

    page: BodyPage = 1
    size: BodySize100 = 20
    plugin_ids: IdList | None = None
