"""What the agent editor binds (Coze Studio's get_playground_plugin_list): published plugins of the
space with their activated tools, and the built-in plugin."""

from __future__ import annotations

import msgspec
from litestar import post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from api.envelope import Envelope
from api.schemas import Int64Str, parse_id
from api.security.identity import CurrentActor
from api.web.plugin_requests import SearchName, SpacePage
from api.web.plugin_schemas import PluginInfoForPlayground
from application.plugin.playground import PlaygroundPlugins

Playground = NamedDependency[PlaygroundPlugins]


class PlaygroundListRequest(SpacePage, forbid_unknown_fields=True):
    space_id: Int64Str
    name: SearchName = ""
    plugin_types: list[int] | None = None  # Coze's PluginType filter (HTTP 1, MCP 7): all are listed
    channel_id: int | None = None
    self_created: bool | None = None
    order_by: int | None = None
    is_get_offline: bool | None = None


class PlaygroundListData(msgspec.Struct):
    plugin_list: list[PluginInfoForPlayground]
    total: int


class PlaygroundListResponse(Envelope, kw_only=True):
    data: PlaygroundListData


@post("/api/plugin_api/get_playground_plugin_list", status_code=200, tags=["plugin"])
async def get_playground_plugin_list(
    actor: CurrentActor, plugin_playground: Playground, data: JSONBody[PlaygroundListRequest]
) -> PlaygroundListResponse:
    views, total = await plugin_playground.page(
        actor,
        parse_id(data.space_id),
        name=data.name.strip(),
        plugin_ids=[parse_id(i) for i in data.plugin_ids or []],
        page=data.page,
        size=data.size,
    )
    listed = [PluginInfoForPlayground.of(v, actor.user_id) for v in views]
    return PlaygroundListResponse(data=PlaygroundListData(plugin_list=listed, total=total))


ROUTES = [get_playground_plugin_list]
