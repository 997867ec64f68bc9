"""MCP servers as plugins (ADR 0064): registered from the form (name, description, server URL,
transport, none or a service token in a header), their tools taken from what the server lists on
register, when the connection changes and on an explicit refresh. The server is asked before the
transaction: a server that cannot be reached or refuses leaves nothing written."""

from __future__ import annotations

from dataclasses import dataclass

from application.common.actor import Actor
from application.plugin.access import PluginAccess, PluginAction
from application.plugin.drafting import DraftWriter
from application.plugin.registry import checked_description, checked_name
from application.plugin.sealing import sealed_auth
from crossdomain.audit import AuditRecorder, AuditResult
from domain.common.ports import Clock, IdGenerator, UnitOfWorkFactory
from domain.common.secrets import SecretCipher
from domain.plugin.drafts import derived_tools
from domain.plugin.entities import Plugin, PluginKind, Tool
from domain.plugin.errors import InvalidPluginRequest
from domain.plugin.manifest import AuthInput
from domain.plugin.mcp import McpTransport, checked_mcp_auth, mcp_document, mcp_endpoint, mcp_server_url
from domain.plugin.ports import McpToolLister, PluginRepository, ToolRepository


@dataclass(frozen=True, slots=True)
class McpForm:
    name: str
    description: str
    icon_uri: str
    url: str  # the server's http(s) URL
    transport: McpTransport
    auth: AuthInput


@dataclass(frozen=True, slots=True)
class McpChanges:
    """None keeps the current value; a changed URL, transport or auth lists the tools again."""

    name: str | None = None
    description: str | None = None
    icon_uri: str | None = None
    url: str | None = None
    transport: McpTransport | None = None
    auth: AuthInput | None = None


class McpPlugins:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        plugins: PluginRepository,
        tools: ToolRepository,
        access: PluginAccess,
        drafts: DraftWriter,
        cipher: SecretCipher,
        lister: McpToolLister,
        audit: AuditRecorder,
        ids: IdGenerator,
        clock: Clock,
    ) -> None:
        self._uow, self._plugins, self._tools, self._access = uow, plugins, tools, access
        self._drafts, self._cipher, self._lister, self._audit = drafts, cipher, lister, audit
        self._ids, self._clock = ids, clock

    async def register(self, actor: Actor, space_id: int, form: McpForm) -> Plugin:
        async with self._uow():
            await self._access.space(actor, space_id, PluginAction.CREATE)
        name, description = checked_name(form.name), checked_description(form.description)
        server_url = mcp_server_url(form.url, form.transport)
        auth = sealed_auth(self._cipher, checked_mcp_auth(form.auth))
        operations = await self._lister.list_tools(server_url, auth)
        now = self._clock.now()
        plugin = Plugin(
            id=self._ids.next_id(),
            space_id=space_id,
            creator_id=actor.user_id,
            name=name,
            description=description,
            icon_uri=form.icon_uri[:1024],
            kind=PluginKind.MCP,
            server_url=server_url,
            auth=auth,
            document=mcp_document(server_url, operations),
            created_at=now,
            updated_at=now,
        )
        tools = derived_tools(
            [],
            operations,
            plugin_id=plugin.id,
            space_id=space_id,
            new_id=self._ids.next_id,
            now=now,
            by_route_too=False,
        )
        async with self._uow() as uow:
            await self._access.space(actor, space_id, PluginAction.CREATE)
            await self._plugins.add(plugin)
            await self._tools.replace(plugin.id, tools)
            await uow.commit()
        await self._record(actor, "plugin.register", plugin.id, space_id=str(space_id), tools=str(len(tools)))
        return plugin

    async def update(self, actor: Actor, plugin_id: int, changes: McpChanges) -> Plugin:
        """The meta changed; the tools listed again when the URL, the transport or the auth did."""
        async with self._uow():
            plugin = await self._mcp_plugin(actor, plugin_id)
        name = plugin.name if changes.name is None else checked_name(changes.name)
        description = (
            plugin.description if changes.description is None else checked_description(changes.description)
        )
        icon = plugin.icon_uri if changes.icon_uri is None else changes.icon_uri[:1024]
        transport, url = mcp_endpoint(plugin.server_url) or (McpTransport.STREAMABLE_HTTP, "")
        server_url = mcp_server_url(
            url if changes.url is None else changes.url, changes.transport or transport
        )
        auth = plugin.auth
        if changes.auth is not None:
            auth = sealed_auth(self._cipher, checked_mcp_auth(changes.auth), plugin.auth)
        relist = server_url != plugin.server_url or auth != plugin.auth
        listed = await self._lister.list_tools(server_url, auth) if relist else None
        async with self._uow() as uow:
            current = await self._mcp_plugin(actor, plugin_id, for_update=True)
            if (current.server_url, current.auth) != (plugin.server_url, plugin.auth):
                raise InvalidPluginRequest(detail="the plugin's server changed meanwhile: edit it again")
            plugin, operations = current, listed
            if operations is None:
                operations = tuple(t.operation for t in await self._tools.of_plugin(plugin.id))
            updated, _ = await self._drafts.write_mcp(
                plugin, server_url, operations, name=name, description=description, icon_uri=icon, auth=auth
            )
            await uow.commit()
        await self._record(actor, "plugin.update_meta", plugin_id, relisted=str(relist).lower())
        return updated

    async def refresh(self, actor: Actor, plugin_id: int) -> tuple[Plugin, list[Tool]]:
        """The server's tools listed again and made the draft's."""
        async with self._uow():
            plugin = await self._mcp_plugin(actor, plugin_id)
        operations = await self._lister.list_tools(plugin.server_url, plugin.auth)
        async with self._uow() as uow:
            current = await self._mcp_plugin(actor, plugin_id, for_update=True)
            if (current.server_url, current.auth) != (plugin.server_url, plugin.auth):
                raise InvalidPluginRequest(detail="the plugin's server changed meanwhile: refresh again")
            updated, tools = await self._drafts.write_mcp(current, current.server_url, operations)
            await uow.commit()
        await self._record(actor, "plugin.refresh_mcp_tools", plugin_id, tools=str(len(tools)))
        return updated, tools

    async def _mcp_plugin(self, actor: Actor, plugin_id: int, *, for_update: bool = False) -> Plugin:
        plugin = await self._access.plugin(actor, plugin_id, PluginAction.UPDATE, for_update=for_update)
        if plugin.kind is not PluginKind.MCP:
            raise InvalidPluginRequest(detail="this is not an MCP plugin: its tools come from its document")
        return plugin

    async def _record(self, actor: Actor, action: str, target: int, **details: str) -> None:
        await self._audit.record(
            action, AuditResult.OK, actor, target_type="plugin", target_id=target, detail=dict(details)
        )
