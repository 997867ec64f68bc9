"""The published tools of a space: as the plugin runtime's ToolTarget (`targets`, for the tool calls
inside this context) and as crossdomain.plugin.PublishedPluginTools (`resolve`, for the chat
engine). A tool comes from its plugin's latest version, or the version named for the plugin."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from crossdomain.plugin import PublishedTool, ToolArgument, ToolCallAuth, ToolRef
from domain.common.ports import UnitOfWorkFactory
from domain.plugin.auth import PluginAuth
from domain.plugin.builtin import BUILTIN_PLUGIN_ID, builtin_version
from domain.plugin.entities import PluginVersion
from domain.plugin.invocation import ToolTarget
from domain.plugin.ports import VersionRepository

MAX_REFS = 128


def call_auth(auth: PluginAuth) -> ToolCallAuth:
    service, oauth = auth.service, auth.oauth
    return ToolCallAuth(
        kind=int(auth.kind),
        token_location=int(service.location) if service else 1,
        token_name=service.name if service else "",
        sealed_token=service.sealed_token if service else "",
        oauth_flow=oauth.flow.value if oauth else "",
        client_id=oauth.client_id if oauth else "",
        sealed_client_secret=oauth.sealed_client_secret if oauth else "",
        token_url=oauth.token_url if oauth else "",
        authorization_url=oauth.authorization_url if oauth else "",
        scope=oauth.scope if oauth else "",
    )


class PublishedTools:
    def __init__(self, uow: UnitOfWorkFactory, versions: VersionRepository) -> None:
        self._uow, self._versions = uow, versions

    async def targets(
        self, space_id: int, refs: Sequence[ToolRef], *, version: Mapping[int, str] | None = None
    ) -> list[tuple[PluginVersion, ToolTarget]]:
        """The activated tools among `refs` of the space's published plugins, in the order of
        `refs`; another space's plugin, an unpublished or deactivated tool is left out."""
        refs = list(dict.fromkeys(refs))[:MAX_REFS]
        pinned = version or {}
        plugin_ids = list(dict.fromkeys(r.plugin_id for r in refs))
        async with self._uow():
            stored = [p for p in plugin_ids if p not in pinned and p != BUILTIN_PLUGIN_ID]
            found = await self._versions.latest_of(stored)
            if BUILTIN_PLUGIN_ID in plugin_ids:
                found[BUILTIN_PLUGIN_ID] = builtin_version(space_id)
            for plugin_id in plugin_ids:
                if plugin_id in pinned:
                    named = await self._versions.named(plugin_id, pinned[plugin_id])
                    if named is not None:
                        found[plugin_id] = named
        targets = []
        for ref in refs:
            frozen = found.get(ref.plugin_id)
            tool = None if frozen is None or frozen.space_id != space_id else frozen.tool(ref.tool_id)
            if frozen is not None and tool is not None and tool.activated:
                target = ToolTarget(
                    ref.plugin_id, tool.id, tool.operation, frozen.meta.server_url, frozen.meta.auth
                )
                targets.append((frozen, target))
        return targets

    async def resolve(
        self, space_id: int, refs: Sequence[ToolRef], *, version: Mapping[int, str] | None = None
    ) -> list[PublishedTool]:
        tools = []
        for frozen, target in await self.targets(space_id, refs, version=version):
            op = target.operation
            tools.append(
                PublishedTool(
                    plugin_id=target.plugin_id,
                    tool_id=target.tool_id,
                    plugin_name=frozen.meta.name,
                    version=frozen.version,
                    name=op.name,
                    description=op.description,
                    method=op.method.value,
                    path=op.path,
                    arguments=op.arguments,
                    routing=tuple(ToolArgument(a.name, int(a.location), a.required) for a in op.routing),
                    responses=op.responses,
                    server_url=target.server_url,
                    auth=call_auth(target.auth),
                    body=op.body,
                )
            )
        return tools

    async def tool_named(self, space_id: int, plugin_id: int, name: str) -> PublishedTool | None:
        if plugin_id == BUILTIN_PLUGIN_ID:
            frozen: PluginVersion | None = builtin_version(space_id)
        else:
            async with self._uow():
                frozen = await self._versions.latest(plugin_id)
        tool = None if frozen is None else next((t for t in frozen.tools if t.name == name), None)
        if frozen is None or tool is None:
            return None
        found = await self.resolve(space_id, [ToolRef(plugin_id, tool.id)])
        return found[0] if found else None
