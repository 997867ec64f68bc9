"""The server tools of a chat when the agent has none, the result of a call of a tool it lacks, and
what the user reads when a tool needs their authorization first."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence

from crossdomain.plugin import OfferedTool, ServerToolset, ToolInvocation, ToolResult
from domain.conversation.values import AuthorizationRequest

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


def consent_requests(results: Sequence[ToolResult]) -> tuple[AuthorizationRequest, ...]:
    """The plugins the user has to authorize, once each, in the order their calls came."""
    found: dict[int, AuthorizationRequest] = {}
    for result in results:
        asked = result.consent
        if asked is not None and asked.plugin_id not in found:
            found[asked.plugin_id] = AuthorizationRequest(asked.plugin_id, asked.plugin_name, asked.url)
    return tuple(found.values())


def consent_note(requests: Sequence[AuthorizationRequest]) -> str:
    """What the user reads when the chat stops for their consent."""
    lines = [f"To go on, authorize {r.plugin_name}: {r.url}" for r in requests]
    return "\n".join([*lines, "Then send your message again."])


class ToolSets:
    """Several server toolsets as one (an agent's plugin tools and its knowledge on demand): each
    call goes to the set that has its tool; the sets run at the same time."""

    def __init__(self, *sets: ServerToolset) -> None:
        self._sets = sets

    @property
    def offered(self) -> Sequence[OfferedTool]:
        return [tool for s in self._sets for tool in s.offered]

    def has(self, name: str) -> bool:
        return any(s.has(name) for s in self._sets)

    async def run(self, calls: Sequence[ToolInvocation], *, user_id: int) -> list[ToolResult]:
        mine = [(s, [c for c in calls if s.has(c.name)]) for s in self._sets]
        ran = await asyncio.gather(*(s.run(group, user_id=user_id) for s, group in mine if group))
        results = {r.call_id: r for group in ran for r in group}
        return [
            results.get(c.call_id) or ToolResult(c.call_id, c.name, no_such_tool(c.name), False)
            for c in calls
        ]
