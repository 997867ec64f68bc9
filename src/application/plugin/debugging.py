"""Debugging a draft tool (Coze's debug_api): the tool called with the editor's inputs through the
same runtime agents use, and the request (secrets masked) and answer shown. A call that answers
below 400 marks the tool as debugged."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from application.common.actor import Actor
from application.plugin.access import PluginAccess, PluginAction
from crossdomain.audit import AuditRecorder, AuditResult
from domain.common.ports import UnitOfWorkFactory
from domain.plugin.entities import DebugStatus, Tool
from domain.plugin.errors import ToolNotFound
from domain.plugin.invocation import (
    ToolAnswer,
    ToolArgumentsInvalid,
    ToolCallFailed,
    ToolNeedsAuthorization,
    ToolTarget,
)
from domain.plugin.ports import ToolRepository, ToolRunner


@dataclass(frozen=True, slots=True)
class DebugResult:
    tool: Tool
    answer: ToolAnswer | None  # None when no request was answered
    reason: str = ""  # why the call failed, for the editor

    @property
    def success(self) -> bool:
        return self.answer is not None and self.answer.status < 400


class ToolDebugger:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        tools: ToolRepository,
        access: PluginAccess,
        runner: ToolRunner,
        audit: AuditRecorder,
    ) -> None:
        self._uow, self._tools, self._access, self._runner, self._audit = uow, tools, access, runner, audit

    async def debug(
        self, actor: Actor, plugin_id: int, tool_id: int, arguments: Mapping[str, Any]
    ) -> DebugResult:
        async with self._uow():
            plugin = await self._access.plugin(actor, plugin_id, PluginAction.UPDATE)
            tool = next((t for t in await self._tools.of_plugin(plugin.id) if t.id == tool_id), None)
        if tool is None:
            raise ToolNotFound()
        target = ToolTarget(plugin.id, tool.id, tool.operation, plugin.server_url, plugin.auth)
        try:
            result = DebugResult(tool, await self._runner.call(target, arguments, user_id=actor.user_id))
        except (ToolArgumentsInvalid, ToolCallFailed) as failed:
            result = DebugResult(tool, None, str(failed.params.get("detail") or failed.message_key))
        except ToolNeedsAuthorization:
            result = DebugResult(tool, None, "authorize the plugin first: it acts for each user")
        if result.success and tool.debug_status is not DebugStatus.PASSED:
            await self._passed(actor, plugin.id, tool.id)
        await self._audit.record(
            "plugin.tool.debug",
            AuditResult.OK if result.success else AuditResult.FAILED,
            actor,
            target_type="plugin",
            target_id=plugin.id,
            detail={"tool_id": str(tool.id)},
        )
        return result

    async def _passed(self, actor: Actor, plugin_id: int, tool_id: int) -> None:
        async with self._uow() as uow:
            await self._access.plugin(actor, plugin_id, PluginAction.UPDATE, for_update=True)  # one writer
            tools = await self._tools.of_plugin(plugin_id)
            marked = [replace(t, debug_status=DebugStatus.PASSED) if t.id == tool_id else t for t in tools]
            await self._tools.replace(plugin_id, marked)
            await uow.commit()
