"""The plugin registry for the SPA, in Coze Studio's paths and shapes (/api/plugin_api/*): register
from code or from the form, meta and document edits, reads and the space's list. Tools are in
api/web/plugin_tools.py, versions in api/web/plugin_versions.py, shared bodies in
api/web/plugin_schemas.py."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from api.envelope import Envelope
from api.schemas import Int64Str, id_str, parse_id
from api.security.identity import CurrentActor
from api.web.plugin_requests import CodeSecrets, MetaFields, Name, SearchName, SpacePage
from api.web.plugin_schemas import (
    PLUGIN_TYPE_MCP,
    CodeInfo,
    Document,
    EditVersionResponse,
    ManifestText,
    PluginCreator,
    PluginIcon,
    PluginInfoForPlayground,
    PluginMetaInfo,
    Text,
    plugin_type,
)
from application.plugin.mcp_servers import McpChanges, McpForm, McpPlugins
from application.plugin.registry import MetaChanges, PluginService
from domain.plugin.entities import PluginKind
from domain.plugin.errors import InvalidPluginRequest
from domain.plugin.mcp import McpTransport
from domain.plugin.ports import PluginQuery

Plugins = NamedDependency[PluginService]
Mcp = NamedDependency[McpPlugins]


class PluginRegisterRequest(CodeSecrets, forbid_unknown_fields=True):
    space_id: Int64Str
    ai_plugin: ManifestText
    openapi: Document
    plugin_type: int | None = None
    import_from_file: bool | None = None
    project_id: str | None = None


class RegisterData(msgspec.Struct):
    plugin_id: str
    openapi: str


class RegisterResponse(Envelope, kw_only=True):
    data: RegisterData


class RegisterMetaRequest(MetaFields, forbid_unknown_fields=True):
    space_id: Int64Str
    name: Name
    desc: Text = ""
    ide_code_runtime: str | None = None
    project_id: str | None = None


class PluginIdResponse(Envelope, kw_only=True):
    plugin_id: str


class PluginUpdateRequest(CodeSecrets, forbid_unknown_fields=True):
    plugin_id: Int64Str
    openapi: Document
    ai_plugin: ManifestText = ""
    source_code: str | None = None
    edit_version: int | None = None


class PluginUpdateData(msgspec.Struct):
    res: bool
    edit_version: int


class PluginUpdateResponse(Envelope, kw_only=True):
    data: PluginUpdateData


class UpdateMetaRequest(MetaFields, forbid_unknown_fields=True):
    plugin_id: Int64Str
    name: Name | None = None
    desc: Text | None = None
    edit_version: int | None = None


class PluginIdRequest(msgspec.Struct, forbid_unknown_fields=True):
    plugin_id: Int64Str
    preview_version_tsx: str | None = None


class PluginInfoResponse(Envelope, kw_only=True):
    meta_info: PluginMetaInfo
    code_info: CodeInfo
    status: bool  # the draft has changes not published yet
    published: bool
    creator: PluginCreator
    statistic_data: dict[str, int] = msgspec.field(default_factory=dict)
    plugin_product_status: int = 0
    privacy_status: bool = False
    privacy_info: str = ""
    creation_method: int = 0
    ide_code_runtime: str = ""
    edit_version: int = 0
    plugin_type: int = 1


class DevListRequest(SpacePage, forbid_unknown_fields=True):
    space_id: Int64Str
    dev_id: Int64Str | None = None  # Coze Studio sends the caller's id; the session decides
    name: SearchName | None = None
    publish_status: bool | None = None
    scope_type: Annotated[int, msgspec.Meta(ge=0, le=1)] | None = None  # 1: only the caller's
    status: list[int] | None = None
    order_by: int | None = None
    plugin_type_for_filter: int | None = None
    project_id: str | None = None


class DevListResponse(Envelope, kw_only=True):
    plugin_list: list[PluginInfoForPlayground]
    total: str


class PluginDeleteResponse(Envelope, kw_only=True):
    pass


def _mcp_auth_type(auth_type: int | None) -> None:
    if auth_type not in (None, 0, 1):
        raise InvalidPluginRequest(detail="an MCP plugin's auth is none (0) or a service token (1)")


@post("/api/plugin_api/register", status_code=200, tags=["plugin"])
async def register(
    actor: CurrentActor, plugin_service: Plugins, data: JSONBody[PluginRegisterRequest]
) -> RegisterResponse:
    plugin = await plugin_service.register(actor, parse_id(data.space_id), data.ai_plugin, data.openapi)
    return RegisterResponse(data=RegisterData(id_str(plugin.id), data.openapi))


@post("/api/plugin_api/register_plugin_meta", status_code=200, tags=["plugin"])
async def register_plugin_meta(
    actor: CurrentActor,
    plugin_service: Plugins,
    plugin_mcp_plugins: Mcp,
    data: JSONBody[RegisterMetaRequest],
) -> PluginIdResponse:
    if data.plugin_type == PLUGIN_TYPE_MCP:
        _mcp_auth_type(data.auth_type)
        form = McpForm(
            data.name,
            data.desc,
            (data.icon or PluginIcon()).uri,
            data.url or "",
            McpTransport(data.mcp_transport or McpTransport.STREAMABLE_HTTP),
            data.auth(),
        )
        made = await plugin_mcp_plugins.register(actor, parse_id(data.space_id), form)
        return PluginIdResponse(plugin_id=id_str(made.id))
    if data.mcp_transport is not None:
        raise InvalidPluginRequest(detail="mcp_transport is for an MCP plugin (plugin_type 7)")
    plugin = await plugin_service.register_meta(
        actor,
        parse_id(data.space_id),
        data.name,
        data.desc,
        (data.icon or PluginIcon()).uri,
        data.url or "",
        data.auth(),
    )
    return PluginIdResponse(plugin_id=id_str(plugin.id))


@post("/api/plugin_api/update", status_code=200, tags=["plugin"])
async def update_plugin(
    actor: CurrentActor, plugin_service: Plugins, data: JSONBody[PluginUpdateRequest]
) -> PluginUpdateResponse:
    plugin = await plugin_service.update(actor, parse_id(data.plugin_id), data.ai_plugin, data.openapi)
    return PluginUpdateResponse(data=PluginUpdateData(True, plugin.edit_version))


@post("/api/plugin_api/update_plugin_meta", status_code=200, tags=["plugin"])
async def update_plugin_meta(
    actor: CurrentActor,
    plugin_service: Plugins,
    plugin_mcp_plugins: Mcp,
    data: JSONBody[UpdateMetaRequest],
) -> EditVersionResponse:
    plugin_id = parse_id(data.plugin_id)
    current = (await plugin_service.get(actor, plugin_id)).plugin  # another space's: not found
    if data.plugin_type is not None and data.plugin_type != plugin_type(current):
        raise InvalidPluginRequest(detail="a plugin's type does not change")
    if current.kind is PluginKind.MCP:
        _mcp_auth_type(data.auth_type)
    auth = None if data.auth_type is None else data.auth()
    if current.kind is PluginKind.MCP:
        mcp = McpChanges(
            name=data.name,
            description=data.desc,
            icon_uri=None if data.icon is None else data.icon.uri,
            url=data.url,
            transport=None if data.mcp_transport is None else McpTransport(data.mcp_transport),
            auth=auth,
        )
        updated = await plugin_mcp_plugins.update(actor, plugin_id, mcp)
        return EditVersionResponse(edit_version=updated.edit_version)
    if data.mcp_transport is not None:
        raise InvalidPluginRequest(detail="mcp_transport is for an MCP plugin (plugin_type 7)")
    changes = MetaChanges(
        name=data.name,
        description=data.desc,
        icon_uri=None if data.icon is None else data.icon.uri,
        server_url=data.url,
        auth=auth,
    )
    plugin = await plugin_service.update_meta(actor, plugin_id, changes)
    return EditVersionResponse(edit_version=plugin.edit_version)


@post("/api/plugin_api/del_plugin", status_code=200, tags=["plugin"])
async def del_plugin(
    actor: CurrentActor, plugin_service: Plugins, data: JSONBody[PluginIdRequest]
) -> PluginDeleteResponse:
    await plugin_service.delete(actor, parse_id(data.plugin_id))
    return PluginDeleteResponse()


@post("/api/plugin_api/get_plugin_info", status_code=200, tags=["plugin"])
async def get_plugin_info(
    actor: CurrentActor, plugin_service: Plugins, data: JSONBody[PluginIdRequest]
) -> PluginInfoResponse:
    view = await plugin_service.get(actor, parse_id(data.plugin_id))
    p = view.plugin
    return PluginInfoResponse(
        meta_info=PluginMetaInfo.of(p),
        code_info=CodeInfo.of(p),
        status=p.changed_since_publish and p.published_at is not None,
        published=p.published_at is not None,
        creator=PluginCreator.of(p.creator_id, view.creator, actor.user_id),
        edit_version=p.edit_version,
        plugin_type=plugin_type(p),
    )


@post("/api/plugin_api/get_dev_plugin_list", status_code=200, tags=["plugin"])
async def get_dev_plugin_list(
    actor: CurrentActor, plugin_service: Plugins, data: JSONBody[DevListRequest]
) -> DevListResponse:
    query = PluginQuery(
        space_id=parse_id(data.space_id),
        name=(data.name or "").strip(),
        published=data.publish_status,
        creator_id=actor.user_id if data.scope_type == 1 else None,
        plugin_ids=tuple(parse_id(i) for i in data.plugin_ids or []),
        page=data.page,
        size=data.size,
    )
    views, total = await plugin_service.page(actor, query)
    return DevListResponse(
        plugin_list=[PluginInfoForPlayground.of(v, actor.user_id) for v in views], total=str(total)
    )


ROUTES = [
    register,
    register_plugin_meta,
    update_plugin,
    update_plugin_meta,
    del_plugin,
    get_plugin_info,
    get_dev_plugin_list,
]
