"""crossdomain.plugin.PublishedPluginTools: the published tools of a space, for the chat engine."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from crossdomain.plugin import PublishedTool, ToolArgument, ToolCallAuth, ToolRef
from domain.common.ports import UnitOfWorkFactory
from domain.plugin.auth import PluginAuth
from domain.plugin.entities import PluginVersion
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

    async def resolve(
        self, space_id: int, refs: Sequence[ToolRef], *, version: Mapping[int, str] | None = None
    ) -> list[PublishedTool]:
        refs = list(dict.fromkeys(refs))[:MAX_REFS]
        pinned = version or {}
        plugin_ids = list(dict.fromkeys(r.plugin_id for r in refs))
        async with self._uow():
            found: dict[int, PluginVersion] = {}
            unpinned = [p for p in plugin_ids if p not in pinned]
            found.update(await self._versions.latest_of(unpinned))
            for plugin_id in plugin_ids:
                if plugin_id in pinned:
                    named = await self._versions.named(plugin_id, pinned[plugin_id])
                    if named is not None:
                        found[plugin_id] = named
        tools = []
        for ref in refs:
            frozen = found.get(ref.plugin_id)
            if frozen is None or frozen.space_id != space_id:
                continue
            tool = frozen.tool(ref.tool_id)
            if tool is None or not tool.activated:
                continue
            op = tool.operation
            tools.append(
                PublishedTool(
                    plugin_id=ref.plugin_id,
                    tool_id=tool.id,
                    plugin_name=frozen.meta.name,
                    version=frozen.version,
                    name=op.name,
                    description=op.description,
                    method=op.method.value,
                    path=op.path,
                    arguments=op.arguments,
                    routing=tuple(ToolArgument(a.name, int(a.location), a.required) for a in op.routing),
                    responses=op.responses,
                    server_url=frozen.meta.server_url,
                    auth=call_auth(frozen.meta.auth),
                )
            )
        return tools
