"""A plugin's tools for the SPA (Coze Studio's get_plugin_apis, create_api, update_api,
delete_api, batch_create_api): each edit changes the draft document's operation. An MCP plugin's
tools are listed again from its server by refresh_mcp_tools (cozeplus, ADR 0064)."""

from __future__ import annotations

import msgspec
from litestar import post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from api.envelope import Envelope
from api.schemas import BodyPage, BodySize100, Int64Str, id_str, parse_id
from api.security.identity import CurrentActor
from api.web.plugin_requests import IdList, ToolFields, ToolName
from api.web.plugin_schemas import (
    METHODS,
    Document,
    EditVersionResponse,
    ManifestText,
    PluginAPIInfo,
    Text,
    parameters,
)
from application.plugin.mcp_servers import McpPlugins
from application.plugin.registry import PluginService
from application.plugin.tool_editing import ToolChanges, ToolService
from domain.plugin.errors import PluginNotFound

Plugins = NamedDependency[PluginService]
Tools = NamedDependency[ToolService]
Mcp = NamedDependency[McpPlugins]


class ApisRequest(msgspec.Struct, forbid_unknown_fields=True):
    plugin_id: Int64Str
    api_ids: IdList | None = None
    page: BodyPage = 1
    size: BodySize100 = 20
    order: dict[str, object] | None = None
    preview_version_ts: str | None = None


class ApisResponse(Envelope, kw_only=True):
    api_info: list[PluginAPIInfo]
    total: int
    edit_version: int


class CreateApiRequest(ToolFields, forbid_unknown_fields=True):
    plugin_id: Int64Str
    name: ToolName
    desc: Text = ""


class CreateApiResponse(Envelope, kw_only=True):
    api_id: str
    edit_version: int


class UpdateApiRequest(ToolFields, forbid_unknown_fields=True):
    plugin_id: Int64Str
    api_id: Int64Str
    name: ToolName | None = None
    desc: Text | None = None
    save_example: bool | None = None
    debug_example: dict[str, str] | None = None


class DeleteApiRequest(msgspec.Struct, forbid_unknown_fields=True):
    plugin_id: Int64Str
    api_id: Int64Str
    edit_version: int | None = None


class BatchCreateRequest(msgspec.Struct, forbid_unknown_fields=True):
    plugin_id: Int64Str
    openapi: Document
    ai_plugin: ManifestText = ""
    space_id: Int64Str | None = None
    dev_id: Int64Str | None = None
    replace_same_paths: bool = False
    paths_to_replace: list[dict[str, object]] | None = None
    edit_version: int | None = None


class BatchCreateResponse(Envelope, kw_only=True):
    paths_duplicated: list[PluginAPIInfo]
    paths_created: list[PluginAPIInfo]
    edit_version: int


@post("/api/plugin_api/get_plugin_apis", status_code=200, tags=["plugin"])
async def get_plugin_apis(
    actor: CurrentActor, plugin_tool_service: Tools, data: JSONBody[ApisRequest]
) -> ApisResponse:
    wanted = [parse_id(i) for i in data.api_ids or []]
    found = await plugin_tool_service.page(actor, parse_id(data.plugin_id), data.page, data.size, wanted)
    infos = [PluginAPIInfo.of(t, t.id in found.published) for t in found.tools]
    return ApisResponse(api_info=infos, total=found.total, edit_version=found.plugin.edit_version)


@post("/api/plugin_api/create_api", status_code=200, tags=["plugin"])
async def create_api(
    actor: CurrentActor, plugin_tool_service: Tools, data: JSONBody[CreateApiRequest]
) -> CreateApiResponse:
    plugin, tool = await plugin_tool_service.create(
        actor,
        parse_id(data.plugin_id),
        data.name,
        data.desc,
        path=data.path,
        method=None if data.method is None else METHODS[data.method],
        request=parameters(data.request_params) or [],
        response=parameters(data.response_params) or [],
        activated=not data.disabled,
    )
    return CreateApiResponse(api_id=id_str(tool.id), edit_version=plugin.edit_version)


@post("/api/plugin_api/update_api", status_code=200, tags=["plugin"])
async def update_api(
    actor: CurrentActor, plugin_tool_service: Tools, data: JSONBody[UpdateApiRequest]
) -> EditVersionResponse:
    changes = ToolChanges(
        name=data.name,
        description=data.desc,
        path=data.path,
        method=None if data.method is None else METHODS[data.method],
        request=parameters(data.request_params),
        response=parameters(data.response_params),
        activated=None if data.disabled is None else not data.disabled,
    )
    plugin, _ = await plugin_tool_service.update(
        actor, parse_id(data.plugin_id), parse_id(data.api_id), changes
    )
    return EditVersionResponse(edit_version=plugin.edit_version)


@post("/api/plugin_api/delete_api", status_code=200, tags=["plugin"])
async def delete_api(
    actor: CurrentActor, plugin_tool_service: Tools, data: JSONBody[DeleteApiRequest]
) -> EditVersionResponse:
    plugin = await plugin_tool_service.delete(actor, parse_id(data.plugin_id), parse_id(data.api_id))
    return EditVersionResponse(edit_version=plugin.edit_version)


@post("/api/plugin_api/batch_create_api", status_code=200, tags=["plugin"])
async def batch_create_api(
    actor: CurrentActor,
    plugin_service: Plugins,
    plugin_tool_service: Tools,
    data: JSONBody[BatchCreateRequest],
) -> BatchCreateResponse:
    plugin_id = parse_id(data.plugin_id)
    if data.space_id is not None:
        view = await plugin_service.get(actor, plugin_id)
        if view.plugin.space_id != parse_id(data.space_id):
            raise PluginNotFound()
    result = await plugin_tool_service.batch_create(
        actor, plugin_id, data.openapi, replace_same=data.replace_same_paths
    )
    duplicated = [PluginAPIInfo.of_operation(plugin_id, op) for op in result.duplicated]
    created = [PluginAPIInfo.of(t, False) for t in result.created]
    return BatchCreateResponse(
        paths_duplicated=duplicated, paths_created=created, edit_version=result.plugin.edit_version
    )


class RefreshRequest(msgspec.Struct, forbid_unknown_fields=True):
    plugin_id: Int64Str


class RefreshResponse(Envelope, kw_only=True):
    total: int  # the draft's tools now (get_plugin_apis lists them)
    edit_version: int


@post("/api/plugin_api/refresh_mcp_tools", status_code=200, tags=["plugin"])
async def refresh_mcp_tools(
    actor: CurrentActor, plugin_mcp_plugins: Mcp, data: JSONBody[RefreshRequest]
) -> RefreshResponse:
    """cozeplus: an MCP plugin's draft tools listed again from its server."""
    plugin, tools = await plugin_mcp_plugins.refresh(actor, parse_id(data.plugin_id))
    return RefreshResponse(total=len(tools), edit_version=plugin.edit_version)


ROUTES = [get_plugin_apis, create_api, batch_create_api, update_api, delete_api, refresh_mcp_tools]
