"""The tool runner agents and the debug view use: built-in tools run in-process, everything else is
an HTTP call through the guarded client."""

from __future__ import annotations

from typing import Any

from domain.plugin.builtin import BUILTIN_SERVER
from domain.plugin.invocation import ToolAnswer, ToolTarget
from infra.plugin.builtin_tools import BuiltinToolRunner
from infra.plugin.http_tool import HttpToolRunner


class PluginToolRunner:
    def __init__(self, http: HttpToolRunner, builtin: BuiltinToolRunner) -> None:
        self._http, self._builtin = http, builtin

    async def call(self, target: ToolTarget, arguments: Any, *, user_id: int = 0) -> ToolAnswer:
        runner = self._builtin if target.server_url == BUILTIN_SERVER else self._http
        return await runner.call(target, arguments, user_id=user_id)
