"""Publishing plugins for the SPA (Coze Studio's publish_plugin, get_plugin_next_version,
get_plugin_publish_history): a numbered version freezes the draft."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from api.envelope import Envelope
from api.schemas import BodyPage, BodySize100, Int64Str, parse_id
from api.security.identity import CurrentActor
from api.web.plugin_schemas import (
    PluginPublishInfo,
    Text,
    version_ts,
)
from application.plugin.publishing import PublishService

Publishing = NamedDependency[PublishService]
Version = Annotated[str, msgspec.Meta(max_length=32)]


class PluginPublishRequest(msgspec.Struct, forbid_unknown_fields=True):
    plugin_id: Int64Str
    version_name: Version = ""
    version_desc: Text = ""
    privacy_status: bool = False
    privacy_info: str = ""


class PluginPublishResponse(Envelope, kw_only=True):
    version_ts: str
    version_name: str  # cozeplus: the name given (or chosen)


class NextVersionRequest(msgspec.Struct, forbid_unknown_fields=True):
    plugin_id: Int64Str
    space_id: Int64Str | None = None


class NextVersionResponse(Envelope, kw_only=True):
    next_version_name: str


class PluginHistoryRequest(msgspec.Struct, forbid_unknown_fields=True):
    plugin_id: Int64Str
    space_id: Int64Str | None = None
    page: BodyPage = 1
    size: BodySize100 = 20


class PluginHistoryResponse(Envelope, kw_only=True):
    plugin_publish_info_list: list[PluginPublishInfo]
    total: int


@post("/api/plugin_api/publish_plugin", status_code=200, tags=["plugin"])
async def publish_plugin(
    actor: CurrentActor, plugin_publish_service: Publishing, data: JSONBody[PluginPublishRequest]
) -> PluginPublishResponse:
    version = await plugin_publish_service.publish(
        actor, parse_id(data.plugin_id), data.version_name, data.version_desc
    )
    return PluginPublishResponse(version_ts=version_ts(version.created_at), version_name=version.version)


@post("/api/plugin_api/get_plugin_next_version", status_code=200, tags=["plugin"])
async def get_plugin_next_version(
    actor: CurrentActor, plugin_publish_service: Publishing, data: JSONBody[NextVersionRequest]
) -> NextVersionResponse:
    space_id = None if data.space_id is None else parse_id(data.space_id)
    name = await plugin_publish_service.next_version(actor, parse_id(data.plugin_id), space_id)
    return NextVersionResponse(next_version_name=name)


@post("/api/plugin_api/get_plugin_publish_history", status_code=200, tags=["plugin"])
async def get_plugin_publish_history(
    actor: CurrentActor, plugin_publish_service: Publishing, data: JSONBody[PluginHistoryRequest]
) -> PluginHistoryResponse:
    """Coze Studio's GetPluginPublishHistory shape (its IDL has the messages, not the route)."""
    plugin_id = parse_id(data.plugin_id)
    if data.space_id is not None:
        await plugin_publish_service.next_version(actor, plugin_id, parse_id(data.space_id))
    versions, total = await plugin_publish_service.history(actor, plugin_id, data.page, data.size)
    return PluginHistoryResponse(
        plugin_publish_info_list=[PluginPublishInfo.of(v) for v in versions], total=total
    )


ROUTES = [publish_plugin, get_plugin_next_version, get_plugin_publish_history]
