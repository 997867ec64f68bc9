"""What an agent editor may bind (Coze's get_playground_plugin_list): the space's published plugins
with the activated tools of their latest version, and the built-in plugin every space has."""

from __future__ import annotations

from collections.abc import Sequence

from application.common.actor import Actor
from application.plugin.access import PluginAccess, PluginAction
from application.plugin.registry import MAX_PAGE_SIZE, PluginView
from domain.common.ports import UnitOfWorkFactory
from domain.plugin.builtin import BUILTIN_PLUGIN_ID, builtin_plugin, builtin_version
from domain.plugin.entities import Plugin
from domain.plugin.errors import InvalidPluginRequest
from domain.plugin.ports import PluginQuery, PluginRepository, VersionRepository


class PlaygroundPlugins:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        plugins: PluginRepository,
        versions: VersionRepository,
        access: PluginAccess,
    ) -> None:
        self._uow, self._plugins, self._versions, self._access = uow, plugins, versions, access

    async def page(
        self,
        actor: Actor,
        space_id: int,
        *,
        name: str = "",
        plugin_ids: Sequence[int] = (),
        page: int = 1,
        size: int = 20,
    ) -> tuple[list[PluginView], int]:
        """The built-in plugin first (on the first page, when its name matches), then the space's."""
        if not 1 <= size <= MAX_PAGE_SIZE or page < 1:
            raise InvalidPluginRequest(detail=f"page starts at 1; size is 1..{MAX_PAGE_SIZE}")
        builtin = builtin_plugin(space_id)
        with_builtin = (name.lower() in builtin.name.lower()) and (
            not plugin_ids or BUILTIN_PLUGIN_ID in plugin_ids
        )
        stored_ids = tuple(i for i in plugin_ids if i != BUILTIN_PLUGIN_ID)
        async with self._uow():
            await self._access.space(actor, space_id, PluginAction.READ)
            plugins: list[Plugin] = []
            total = 0
            if stored_ids or not plugin_ids:
                query = PluginQuery(space_id, name, True, None, stored_ids, page, size)
                plugins, total = await self._plugins.page(query)
            latest = await self._versions.latest_of([p.id for p in plugins])
        views = [
            PluginView(p, [t for t in latest[p.id].tools if t.activated], None, False)
            for p in plugins
            if p.id in latest
        ]
        if with_builtin:
            if page == 1:
                views.insert(0, PluginView(builtin, list(builtin_version(space_id).tools), None, False))
            total += 1
        return views, total
