"""The tool runner agents and the debug view use: built-in tools run in-process, MCP tools go to
their server through the MCP SDK, everything else is an HTTP call; all remote traffic goes through
the guarded client."""

from __future__ import annotations

from typing import Any

from domain.plugin.builtin import BUILTIN_SERVER
from domain.plugin.invocation import ToolAnswer, ToolTarget
from infra.plugin.builtin_tools import BuiltinToolRunner
from infra.plugin.http_tool import HttpToolRunner
from infra.plugin.mcp_tools import McpToolRunner, mcp_url


class PluginToolRunner:
    def __init__(self, http: HttpToolRunner, builtin: BuiltinToolRunner, mcp: McpToolRunner) -> None:
        self._http, self._builtin, self._mcp = http, builtin, mcp

    async def call(self, target: ToolTarget, arguments: Any, *, user_id: int = 0) -> ToolAnswer:
        if target.server_url == BUILTIN_SERVER:
            return await self._builtin.call(target, arguments, user_id=user_id)
        if mcp_url(target.server_url) is not None:
            return await self._mcp.call(target, arguments, user_id=user_id)
        return await self._http.call(target, arguments, user_id=user_id)
