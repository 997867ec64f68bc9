"""A plugin's tools, edited one by one (Coze's create_api, update_api, delete_api) or added from
another document (batch_create_api). Each edit changes the draft document's operation and derives
the tools again through the OpenAPI reader, so the draft is always a valid document."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from application.common.actor import Actor
from application.plugin.access import PluginAccess, PluginAction
from application.plugin.drafting import DraftWriter
from crossdomain.audit import AuditRecorder, AuditResult
from domain.common.ports import UnitOfWorkFactory
from domain.plugin.drafts import operation_at, with_operation, without_operation
from domain.plugin.entities import Plugin, PluginKind, Tool
from domain.plugin.errors import InvalidPluginRequest, McpToolsNotEditable, ToolNotFound
from domain.plugin.parameters import (
    Parameter,
    checked_tool_name,
    operation_from,
    operation_object,
    request_parameters,
    response_parameters,
)
from domain.plugin.ports import ToolRepository, VersionRepository
from domain.plugin.tools import Method, ToolOperation

MAX_PAGE_SIZE = 100
MAX_TOOL_DESCRIPTION = 2000


@dataclass(frozen=True, slots=True)
class ToolChanges:
    """None keeps the current value; parameter lists replace the operation's parameters."""

    name: str | None = None
    description: str | None = None
    path: str | None = None
    method: Method | None = None
    request: Sequence[Parameter] | None = None
    response: Sequence[Parameter] | None = None
    activated: bool | None = None


@dataclass(frozen=True, slots=True)
class ToolPage:
    plugin: Plugin
    tools: list[Tool]
    total: int
    published: frozenset[int]  # ids of the tools the latest version has


@dataclass(frozen=True, slots=True)
class BatchResult:
    plugin: Plugin
    created: list[Tool]
    duplicated: list[ToolOperation]  # operations whose method and path the draft has (not replaced)


def _description(text: str) -> str:
    if len(text) > MAX_TOOL_DESCRIPTION:
        raise InvalidPluginRequest(
            detail=f"a tool's description is at most {MAX_TOOL_DESCRIPTION} characters"
        )
    return text


class ToolService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        tools: ToolRepository,
        versions: VersionRepository,
        access: PluginAccess,
        drafts: DraftWriter,
        audit: AuditRecorder,
    ) -> None:
        self._uow, self._tools, self._versions = uow, tools, versions
        self._access, self._drafts, self._audit = access, drafts, audit

    async def page(
        self, actor: Actor, plugin_id: int, page: int, size: int, tool_ids: Sequence[int] = ()
    ) -> ToolPage:
        """The draft's tools in document order; `tool_ids` picks some (no paging then)."""
        if not 1 <= size <= MAX_PAGE_SIZE or page < 1:
            raise InvalidPluginRequest(detail=f"page starts at 1; size is 1..{MAX_PAGE_SIZE}")
        async with self._uow():
            plugin = await self._access.plugin(actor, plugin_id, PluginAction.READ)
            tools = await self._tools.of_plugin(plugin.id)
            latest = await self._versions.latest(plugin.id) if plugin.published_at else None
        published = frozenset(t.id for t in latest.tools) if latest else frozenset()
        if tool_ids:
            wanted = set(tool_ids)
            chosen = [t for t in tools if t.id in wanted]
            return ToolPage(plugin, chosen, len(chosen), published)
        return ToolPage(plugin, tools[(page - 1) * size : page * size], len(tools), published)

    async def create(
        self,
        actor: Actor,
        plugin_id: int,
        name: str,
        description: str,
        *,
        path: str | None = None,
        method: Method | None = None,
        request: Sequence[Parameter] = (),
        response: Sequence[Parameter] = (),
        activated: bool = True,
    ) -> tuple[Plugin, Tool]:
        name = checked_tool_name(name)
        operation = operation_object(name, _description(description), request, response)
        async with self._uow() as uow:
            plugin = _editable(
                await self._access.plugin(actor, plugin_id, PluginAction.UPDATE, for_update=True)
            )
            document = with_operation(plugin.document, path or f"/{name}", method or Method.GET, operation)
            updated, tools = await self._drafts.write(plugin, document)
            tool = next(t for t in tools if t.name == name)
            if not activated:
                tool = replace(tool, activated=False)
                await self._tools.replace(plugin.id, [tool if t.id == tool.id else t for t in tools])
            await uow.commit()
        await self._record(actor, "plugin.tool.create", plugin_id, tool.id)
        return updated, tool

    async def batch_create(
        self, actor: Actor, plugin_id: int, openapi_text: str, *, replace_same: bool
    ) -> BatchResult:
        """Add the operations of another document; one at a method and path the draft has is
        replaced with `replace_same`, else nothing is written and the duplicates are answered."""
        async with self._uow():  # another space's plugin is not found before the input is judged
            _editable(await self._access.plugin(actor, plugin_id, PluginAction.UPDATE))
        read = self._drafts.read(openapi_text)
        async with self._uow() as uow:
            plugin = _editable(
                await self._access.plugin(actor, plugin_id, PluginAction.UPDATE, for_update=True)
            )
            current = await self._tools.of_plugin(plugin.id)
            routes = {(t.method, t.path): t for t in current}
            duplicated = [op for op in read.operations if (op.method.value, op.path) in routes]
            if duplicated and not replace_same:
                return BatchResult(plugin, [], duplicated)
            document, keep = dict(plugin.document), {}
            for op in read.operations:
                old = routes.get((op.method.value, op.path))
                if old is not None:
                    document = without_operation(document, old.path, Method(old.method))
                    keep[op.name] = old.id
                document = with_operation(document, op.path, op.method, operation_from(op))
            updated, tools = await self._drafts.write(plugin, document, keep=keep)
            await uow.commit()
        names = {op.name for op in read.operations}
        created = [t for t in tools if t.name in names]
        await self._record(actor, "plugin.tool.batch_create", plugin_id, None, count=str(len(created)))
        return BatchResult(updated, created, duplicated)

    async def update(
        self, actor: Actor, plugin_id: int, tool_id: int, changes: ToolChanges
    ) -> tuple[Plugin, Tool]:
        async with self._uow() as uow:
            plugin = await self._access.plugin(actor, plugin_id, PluginAction.UPDATE, for_update=True)
            tool = await self._tool(plugin.id, tool_id)
            if plugin.kind is PluginKind.MCP:
                updated, tool = await self._activate(plugin, tool, changes)
                await uow.commit()
                await self._record(actor, "plugin.tool.update", plugin_id, tool_id)
                return updated, tool
            name = tool.name if changes.name is None else checked_tool_name(changes.name)
            method, path = Method(tool.method), tool.path
            operation = operation_at(plugin.document, path, method)
            if changes.request is not None or changes.response is not None:
                rebuilt = operation_object(
                    name,
                    "",
                    _current(changes.request, tool, request=True),
                    _current(changes.response, tool, request=False),
                )
                for key in ("parameters", "requestBody", "responses"):
                    operation.pop(key, None)
                    if key in rebuilt:
                        operation[key] = rebuilt[key]
            operation["operationId"] = name
            if changes.description is not None:
                operation["summary"] = _description(changes.description)
                operation.pop("description", None)  # the summary is what the tool says now
            document = with_operation(
                plugin.document,
                changes.path or path,
                changes.method or method,
                operation,
                replacing=(path, method),
            )
            activated = {} if changes.activated is None else {tool.id: changes.activated}
            updated, tools = await self._drafts.write(
                plugin, document, keep={name: tool.id}, activated=activated
            )
            await uow.commit()
        await self._record(actor, "plugin.tool.update", plugin_id, tool_id)
        return updated, next(t for t in tools if t.id == tool_id)

    async def delete(self, actor: Actor, plugin_id: int, tool_id: int) -> Plugin:
        async with self._uow() as uow:
            plugin = _editable(
                await self._access.plugin(actor, plugin_id, PluginAction.UPDATE, for_update=True)
            )
            tool = await self._tool(plugin.id, tool_id)
            document = without_operation(plugin.document, tool.path, Method(tool.method))
            updated, _ = await self._drafts.write(plugin, document)
            await uow.commit()
        await self._record(actor, "plugin.tool.delete", plugin_id, tool_id)
        return updated

    async def _activate(self, plugin: Plugin, tool: Tool, changes: ToolChanges) -> tuple[Plugin, Tool]:
        """An MCP plugin's tool is switched on or off; the rest is what its server says."""
        given = (changes.name, changes.description, changes.path, changes.method)
        current = (tool.name, tool.description, tool.path, Method(tool.method))
        if (
            changes.request is not None
            or changes.response is not None
            or any(g is not None and g != c for g, c in zip(given, current, strict=True))
        ):
            raise McpToolsNotEditable()
        if changes.activated is None or changes.activated == tool.activated:
            return plugin, tool
        switched = replace(tool, activated=changes.activated)
        tools = await self._tools.of_plugin(plugin.id)
        await self._tools.replace(plugin.id, [switched if t.id == tool.id else t for t in tools])
        updated = await self._drafts.touched(plugin)
        return updated, switched

    async def _tool(self, plugin_id: int, tool_id: int) -> Tool:
        found = next((t for t in await self._tools.of_plugin(plugin_id) if t.id == tool_id), None)
        if found is None:
            raise ToolNotFound()
        return found

    async def _record(
        self, actor: Actor, action: str, plugin_id: int, tool_id: int | None, **details: str
    ) -> None:
        detail = dict(details) if tool_id is None else {"tool_id": str(tool_id), **details}
        await self._audit.record(
            action, AuditResult.OK, actor, target_type="plugin", target_id=plugin_id, detail=detail
        )


def _editable(plugin: Plugin) -> Plugin:
    if plugin.kind is PluginKind.MCP:
        raise McpToolsNotEditable()
    return plugin


def _current(given: Sequence[Parameter] | None, tool: Tool, *, request: bool) -> Sequence[Parameter]:
    if given is not None:
        return given
    return request_parameters(tool.operation) if request else response_parameters(tool.operation)
