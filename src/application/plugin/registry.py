"""Plugins of a space: registered from code (manifest + OpenAPI document) or from the form, their
meta and document edited, read, listed and deleted. Tools are edited in tool_editing.py,
publishing is in publishing.py."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from application.common.actor import Actor
from application.plugin.access import PluginAccess, PluginAction
from application.plugin.drafting import DraftWriter
from application.plugin.sealing import sealed_auth
from crossdomain.audit import AuditRecorder, AuditResult
from crossdomain.user import UserCard, UserDirectory
from domain.common.ports import Clock, IdGenerator, UnitOfWorkFactory
from domain.common.secrets import SecretCipher
from domain.plugin.auth import PluginAuth
from domain.plugin.drafts import checked_url, derived_tools, skeleton, with_meta
from domain.plugin.entities import MAX_DESCRIPTION, MAX_NAME, Plugin, PluginKind, Tool
from domain.plugin.errors import InvalidPluginRequest, McpToolsNotEditable
from domain.plugin.manifest import AuthInput, parse_manifest
from domain.plugin.ports import PluginQuery, PluginRepository, ToolRepository

MAX_PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class PluginView:
    plugin: Plugin
    tools: list[Tool]
    creator: UserCard | None
    can_edit: bool


@dataclass(frozen=True, slots=True)
class MetaChanges:
    """A form's meta; None keeps the current value. `auth` replaces the auth settings (an empty
    secret in it keeps the stored secret)."""

    name: str | None = None
    description: str | None = None
    icon_uri: str | None = None
    server_url: str | None = None
    auth: AuthInput | None = None


def checked_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME:
        raise InvalidPluginRequest(detail=f"a plugin's name is 1..{MAX_NAME} characters")
    return name


def checked_description(text: str) -> str:
    if len(text) > MAX_DESCRIPTION:
        raise InvalidPluginRequest(detail=f"a description is at most {MAX_DESCRIPTION} characters")
    return text


def as_json(document: Mapping[str, Any]) -> dict[str, Any]:
    """YAML may hold dates and the like: the stored document is plain JSON."""
    converted: dict[str, Any] = json.loads(json.dumps(document, default=str, ensure_ascii=False))
    return converted


class PluginService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        plugins: PluginRepository,
        tools: ToolRepository,
        access: PluginAccess,
        drafts: DraftWriter,
        cipher: SecretCipher,
        users: UserDirectory,
        audit: AuditRecorder,
        ids: IdGenerator,
        clock: Clock,
    ) -> None:
        self._uow, self._plugins, self._tools, self._access = uow, plugins, tools, access
        self._drafts, self._cipher, self._users, self._audit = drafts, cipher, users, audit
        self._ids, self._clock = ids, clock

    async def register(self, actor: Actor, space_id: int, manifest_text: str, openapi_text: str) -> Plugin:
        """Coze's `register`: a plugin from its manifest and OpenAPI document (at least one tool)."""
        async with self._uow():
            await self._access.space(actor, space_id, PluginAction.CREATE)
        manifest = parse_manifest(manifest_text)
        read = self._drafts.read(openapi_text)
        auth = sealed_auth(self._cipher, manifest.auth)
        now = self._clock.now()
        plugin = Plugin(
            id=self._ids.next_id(),
            space_id=space_id,
            creator_id=actor.user_id,
            name=checked_name(manifest.name),
            description=checked_description(manifest.description),
            icon_uri=manifest.logo_url[:1024],
            kind=PluginKind.OPENAPI,
            server_url=read.server_url,
            auth=auth,
            document=as_json(read.document),
            created_at=now,
            updated_at=now,
            manifest=as_json(manifest.raw),
        )
        tools = derived_tools(
            [], read.operations, plugin_id=plugin.id, space_id=space_id, new_id=self._ids.next_id, now=now
        )
        async with self._uow() as uow:
            await self._access.space(actor, space_id, PluginAction.CREATE)
            await self._plugins.add(plugin)
            await self._tools.replace(plugin.id, tools)
            await uow.commit()
        await self._record(actor, "plugin.register", plugin.id, space_id=str(space_id), tools=str(len(tools)))
        return plugin

    async def register_meta(
        self,
        actor: Actor,
        space_id: int,
        name: str,
        description: str,
        icon_uri: str,
        server_url: str,
        auth: AuthInput,
    ) -> Plugin:
        """Coze's `register_plugin_meta`: a plugin from the form, its tools added one by one later."""
        name, description = checked_name(name), checked_description(description)
        url = checked_url(server_url) if server_url else ""
        now = self._clock.now()
        document = skeleton(name, description, url)
        if not url:
            del document["servers"]
        plugin = Plugin(
            id=self._ids.next_id(),
            space_id=space_id,
            creator_id=actor.user_id,
            name=name,
            description=description,
            icon_uri=icon_uri[:1024],
            kind=PluginKind.OPENAPI,
            server_url=url,
            auth=sealed_auth(self._cipher, auth),
            document=document,
            created_at=now,
            updated_at=now,
        )
        async with self._uow() as uow:
            await self._access.space(actor, space_id, PluginAction.CREATE)
            await self._plugins.add(plugin)
            await uow.commit()
        await self._record(actor, "plugin.register", plugin.id, space_id=str(space_id), tools="0")
        return plugin

    async def update(self, actor: Actor, plugin_id: int, manifest_text: str, openapi_text: str) -> Plugin:
        """Coze's `update`: the manifest and the whole document replaced; tools follow the new one."""
        async with self._uow():  # another space's plugin is not found before the input is judged
            found = await self._access.plugin(actor, plugin_id, PluginAction.UPDATE)
        if found.kind is PluginKind.MCP:
            raise McpToolsNotEditable()
        manifest = parse_manifest(manifest_text) if manifest_text.strip() else None
        read = self._drafts.read(openapi_text)
        async with self._uow() as uow:
            plugin = await self._access.plugin(actor, plugin_id, PluginAction.UPDATE, for_update=True)
            if plugin.kind is PluginKind.MCP:
                raise McpToolsNotEditable()
            changes: dict[str, Any] = {}
            if manifest is not None:
                changes = {
                    "name": checked_name(manifest.name),
                    "description": checked_description(manifest.description),
                    "icon_uri": manifest.logo_url[:1024] or plugin.icon_uri,
                    "auth": sealed_auth(self._cipher, manifest.auth, plugin.auth),
                    "manifest": as_json(manifest.raw),
                }
            updated, tools = await self._drafts.write(plugin, as_json(read.document), **changes)
            await uow.commit()
        await self._record(actor, "plugin.update", plugin_id, tools=str(len(tools)))
        return updated

    async def update_meta(self, actor: Actor, plugin_id: int, changes: MetaChanges) -> Plugin:
        """An HTTP plugin's meta (an MCP plugin's is McpPlugins.update)."""
        async with self._uow() as uow:
            plugin = await self._access.plugin(actor, plugin_id, PluginAction.UPDATE, for_update=True)
            if plugin.kind is PluginKind.MCP:
                raise InvalidPluginRequest(detail="this is an MCP plugin: edit it with its server's fields")
            name = plugin.name if changes.name is None else checked_name(changes.name)
            description = (
                plugin.description
                if changes.description is None
                else checked_description(changes.description)
            )
            url = plugin.server_url if changes.server_url is None else checked_url(changes.server_url)
            auth: PluginAuth = (
                plugin.auth if changes.auth is None else sealed_auth(self._cipher, changes.auth, plugin.auth)
            )
            icon = plugin.icon_uri if changes.icon_uri is None else changes.icon_uri[:1024]
            document = with_meta(plugin.document, name, description, url) if url else plugin.document
            updated, _ = await self._drafts.write(
                plugin, document, name=name, description=description, icon_uri=icon, auth=auth
            )
            await uow.commit()
        await self._record(actor, "plugin.update_meta", plugin_id)
        return updated

    async def delete(self, actor: Actor, plugin_id: int) -> None:
        async with self._uow() as uow:
            plugin = await self._access.plugin(actor, plugin_id, PluginAction.DELETE, for_update=True)
            await self._plugins.delete(plugin.id)
            await uow.commit()
        await self._record(actor, "plugin.delete", plugin_id)

    async def get(self, actor: Actor, plugin_id: int) -> PluginView:
        async with self._uow():
            plugin = await self._access.plugin(actor, plugin_id, PluginAction.READ)
            tools = await self._tools.of_plugin(plugin.id)
            can_edit = await self._access.may(actor, plugin, PluginAction.UPDATE)
            creator = await self._users.card(plugin.creator_id)
        return PluginView(plugin, tools, creator, can_edit)

    async def page(self, actor: Actor, query: PluginQuery) -> tuple[list[PluginView], int]:
        if not 1 <= query.size <= MAX_PAGE_SIZE or query.page < 1:
            raise InvalidPluginRequest(detail=f"page starts at 1; size is 1..{MAX_PAGE_SIZE}")
        async with self._uow():
            await self._access.space(actor, query.space_id, PluginAction.READ)
            plugins, total = await self._plugins.page(query)
            tools = await self._tools.of_plugins([p.id for p in plugins])
            cards = {c.id: c for c in await self._users.cards(list({p.creator_id for p in plugins}))}
            views = [
                PluginView(
                    p,
                    tools.get(p.id, []),
                    cards.get(p.creator_id),
                    await self._access.may(actor, p, PluginAction.UPDATE),
                )
                for p in plugins
            ]
        return views, total

    async def _record(self, actor: Actor, action: str, target: int, **details: str) -> None:
        await self._audit.record(
            action, AuditResult.OK, actor, target_type="plugin", target_id=target, detail=dict(details)
        )
