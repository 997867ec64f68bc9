"""Publishing a plugin: its draft (document, tools, meta) frozen as a named version. Version names
grow (v1.0.0, v1.0.1, ...); a plugin without an activated tool is not published."""

from __future__ import annotations

from dataclasses import replace

from application.common.actor import Actor
from application.plugin.access import PluginAccess, PluginAction
from crossdomain.audit import AuditRecorder, AuditResult
from domain.common.ports import Clock, IdGenerator, UnitOfWorkFactory
from domain.plugin.entities import (
    MAX_VERSION_DESCRIPTION,
    PluginMeta,
    PluginStatus,
    PluginVersion,
    next_version,
    version_key,
)
from domain.plugin.errors import InvalidPluginRequest, NothingToPublish, PluginNotFound, VersionNotIncreasing
from domain.plugin.ports import PluginRepository, ToolRepository, VersionRepository

MAX_PAGE_SIZE = 100


class PublishService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        plugins: PluginRepository,
        tools: ToolRepository,
        versions: VersionRepository,
        access: PluginAccess,
        audit: AuditRecorder,
        ids: IdGenerator,
        clock: Clock,
    ) -> None:
        self._uow, self._plugins, self._tools, self._versions = uow, plugins, tools, versions
        self._access, self._audit, self._ids, self._clock = access, audit, ids, clock

    async def publish(
        self, actor: Actor, plugin_id: int, version_name: str = "", description: str = ""
    ) -> PluginVersion:
        if len(description) > MAX_VERSION_DESCRIPTION:
            raise InvalidPluginRequest(
                detail=f"a version's description is at most {MAX_VERSION_DESCRIPTION} characters"
            )
        async with self._uow() as uow:
            plugin = await self._access.plugin(actor, plugin_id, PluginAction.PUBLISH, for_update=True)
            tools = await self._tools.of_plugin(plugin.id)
            if not any(t.activated for t in tools):
                raise NothingToPublish()
            name = version_name.strip() or next_version(plugin.version_name)
            key = version_key(name)
            if plugin.version_name and key <= version_key(plugin.version_name):
                raise VersionNotIncreasing(version=name, latest=plugin.version_name)
            now = self._clock.now()
            version = PluginVersion(
                id=self._ids.next_id(),
                plugin_id=plugin.id,
                space_id=plugin.space_id,
                version=name,
                description=description,
                document=plugin.document,
                tools=tuple(tools),
                meta=PluginMeta(
                    plugin.name, plugin.description, plugin.icon_uri, plugin.server_url, plugin.auth
                ),
                creator_id=actor.user_id,
                created_at=now,
            )
            await self._versions.add(version)
            published = replace(plugin, status=PluginStatus.PUBLISHED, version_name=name, published_at=now)
            await self._plugins.save(published)
            await uow.commit()
        await self._audit.record(
            "plugin.publish",
            AuditResult.OK,
            actor,
            target_type="plugin",
            target_id=plugin_id,
            detail={"version": name, "tools": str(sum(t.activated for t in tools))},
        )
        return version

    async def next_version(self, actor: Actor, plugin_id: int, space_id: int | None = None) -> str:
        async with self._uow():
            plugin = await self._access.plugin(actor, plugin_id, PluginAction.READ)
        if space_id is not None and space_id != plugin.space_id:
            raise PluginNotFound()
        return next_version(plugin.version_name)

    async def history(
        self, actor: Actor, plugin_id: int, page: int, size: int
    ) -> tuple[list[PluginVersion], int]:
        """Newest first."""
        if not 1 <= size <= MAX_PAGE_SIZE or page < 1:
            raise InvalidPluginRequest(detail=f"page starts at 1; size is 1..{MAX_PAGE_SIZE}")
        async with self._uow():
            plugin = await self._access.plugin(actor, plugin_id, PluginAction.READ)
            return await self._versions.page(plugin.id, page, size)
