"""Writing a plugin's draft: the document is read again (validated, operations derived) on every
edit, and the tools follow it (ids kept where the operation stays, domain/plugin/drafts.py). An MCP
plugin's tools follow what its server listed instead (`write_mcp`)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from domain.common.ports import Clock, IdGenerator
from domain.plugin.drafts import derived_tools, has_operations
from domain.plugin.entities import Plugin, Tool
from domain.plugin.mcp import mcp_document
from domain.plugin.ports import PluginRepository, ToolRepository
from domain.plugin.tools import PluginDocument, PluginDocumentReader, ToolOperation


class DraftWriter:
    def __init__(
        self,
        plugins: PluginRepository,
        tools: ToolRepository,
        reader: PluginDocumentReader,
        ids: IdGenerator,
        clock: Clock,
    ) -> None:
        self._plugins, self._tools, self._reader = plugins, tools, reader
        self._ids, self._clock = ids, clock

    def read(self, text: str) -> PluginDocument:
        return self._reader.read(text)

    def operations(self, document: Mapping[str, Any]) -> tuple[tuple[ToolOperation, ...], str]:
        """The document's operations and server URL; a document without operations (a plugin made
        from the form, before its first tool) is kept as it is."""
        if not has_operations(document):
            servers = document.get("servers") or [{}]
            url = servers[0].get("url", "") if isinstance(servers[0], dict) else ""
            return (), str(url)
        read = self._reader.read(json.dumps(document, ensure_ascii=False))
        return read.operations, read.server_url

    async def write(
        self,
        plugin: Plugin,
        document: Mapping[str, Any],
        *,
        keep: Mapping[str, int] | None = None,
        activated: Mapping[int, bool] | None = None,
        **changes: Any,
    ) -> tuple[Plugin, list[Tool]]:
        """Save `document` as the plugin's draft (with `changes` to the plugin) and its tools.
        `keep` names a tool id for an operation name (a renamed tool keeps its id); `activated`
        sets tools' activation by id."""
        operations, server_url = self.operations(document)
        previous = await self._tools.of_plugin(plugin.id)
        now = self._clock.now()
        tools = derived_tools(
            previous,
            operations,
            plugin_id=plugin.id,
            space_id=plugin.space_id,
            new_id=self._ids.next_id,
            now=now,
            keep=keep or {},
        )
        if activated:
            tools = [replace(t, activated=activated.get(t.id, t.activated)) for t in tools]
        changes = {"document": dict(document), "server_url": server_url or plugin.server_url, **changes}
        return await self._saved(plugin, tools, now, changes)

    async def write_mcp(
        self, plugin: Plugin, server_url: str, operations: Sequence[ToolOperation], **changes: Any
    ) -> tuple[Plugin, list[Tool]]:
        """Save the tools an MCP server listed as the draft's (a tool keeps its id, activation and,
        while its schema stays, debug state by its name) with `changes` to the plugin."""
        previous = await self._tools.of_plugin(plugin.id)
        now = self._clock.now()
        tools = derived_tools(
            previous,
            operations,
            plugin_id=plugin.id,
            space_id=plugin.space_id,
            new_id=self._ids.next_id,
            now=now,
            by_route_too=False,  # every MCP tool has the same (empty) route
        )
        changes = {"document": mcp_document(server_url, operations), "server_url": server_url, **changes}
        return await self._saved(plugin, tools, now, changes)

    async def _saved(
        self, plugin: Plugin, tools: list[Tool], now: datetime, changes: Mapping[str, Any]
    ) -> tuple[Plugin, list[Tool]]:
        """The plugin with `changes` as a new edit, and `tools` as its draft's tools."""
        updated = replace(plugin, updated_at=now, edit_version=plugin.edit_version + 1, **changes)
        await self._plugins.save(updated)
        await self._tools.replace(plugin.id, tools)
        return updated, tools

    async def touched(self, plugin: Plugin) -> Plugin:
        """The plugin saved as edited now (its tools changed without its document)."""
        updated = replace(plugin, updated_at=self._clock.now(), edit_version=plugin.edit_version + 1)
        await self._plugins.save(updated)
        return updated
