"""Who may see and change which plugin: as for agents and knowledge, the space's membership decides
visibility (another space's plugin is not found) and the PermissionChecker the action; the creator
of a plugin may change, publish and delete it while they may create plugins in the space."""

from __future__ import annotations

from enum import StrEnum

from application.common.actor import Actor
from crossdomain.permission import Action, PermissionChecker, Resource, ResourceKind
from crossdomain.space import SpaceMembership
from domain.common.access import SpaceNotFound
from domain.plugin.entities import Plugin
from domain.plugin.errors import PluginActionDenied, PluginNotFound
from domain.plugin.ports import PluginRepository


class PluginAction(StrEnum):
    CREATE = Action.CREATE.value
    READ = Action.READ.value
    UPDATE = Action.UPDATE.value
    DELETE = Action.DELETE.value
    PUBLISH = Action.PUBLISH.value


_CREATOR_MAY = frozenset({PluginAction.UPDATE, PluginAction.DELETE, PluginAction.PUBLISH})


class PluginAccess:
    def __init__(
        self, plugins: PluginRepository, membership: SpaceMembership, permissions: PermissionChecker
    ) -> None:
        self._plugins, self._membership, self._permissions = plugins, membership, permissions

    async def space(self, actor: Actor, space_id: int, action: PluginAction) -> None:
        if not await self._member(actor, space_id):
            raise SpaceNotFound()
        kind = Resource.in_space(ResourceKind.PLUGIN, space_id)
        if not await self._permissions.check(actor, kind, Action(action.value)):
            raise PluginActionDenied(action=action.value)

    async def plugin(
        self, actor: Actor, plugin_id: int, action: PluginAction, *, for_update: bool = False
    ) -> Plugin:
        """The plugin when the caller may do `action` on it (inside the caller's unit of work)."""
        plugin = await self._plugins.get(plugin_id, for_update=for_update)
        if plugin is None or not await self._member(actor, plugin.space_id):
            raise PluginNotFound()
        this = Resource.in_space(ResourceKind.PLUGIN, plugin.space_id, plugin.id)
        if await self._permissions.check(actor, this, Action(action.value)):
            return plugin
        if (
            action in _CREATOR_MAY
            and plugin.creator_id == actor.user_id
            and await self._permissions.check(actor, this.any_of_kind(), Action.CREATE)
        ):
            return plugin
        raise PluginActionDenied(action=action.value)

    async def may(self, actor: Actor, plugin: Plugin, action: PluginAction) -> bool:
        try:
            await self.plugin(actor, plugin.id, action)
        except PluginActionDenied:
            return False
        return True

    async def _member(self, actor: Actor, space_id: int) -> bool:
        if not actor.reaches_space(space_id):
            return False
        return await self._membership.role_in(space_id, actor.user_id) is not None
