"""The server tools of a chat when the agent has none, and the result of a call of a tool it lacks."""

from __future__ import annotations

import json
from collections.abc import Sequence

from crossdomain.plugin import OfferedTool, ToolInvocation, ToolResult

MAX_TOOL_STEPS = 8  # model steps that may call server tools; the one after them has to answer


class NoServerTools:
    """crossdomain.plugin.ServerToolset with nothing in it."""

    @property
    def offered(self) -> Sequence[OfferedTool]:
        return ()

    def has(self, name: str) -> bool:
        return False

    async def run(self, calls: Sequence[ToolInvocation], *, user_id: int) -> list[ToolResult]:
        return [ToolResult(c.call_id, c.name, no_such_tool(c.name), False) for c in calls]


NO_SERVER_TOOLS = NoServerTools()


def no_such_tool(name: str) -> str:
    """What the model reads when it called a tool the agent does not have: it may try another."""
    return json.dumps({"error": f"there is no tool named {name!r}"}, ensure_ascii=False)
