"""Several server toolsets as one: each call goes to the set that has its tool, the sets run at the
same time, results come back in the order of the calls, and an unknown tool is an error result."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from application.conversation.chat.tools import ToolSets
from crossdomain.plugin import OfferedTool, ToolInvocation, ToolResult


class Named:
    def __init__(self, name: str, gate: asyncio.Barrier) -> None:
        self.name, self._gate = name, gate
        self.asked: list[list[str]] = []

    @property
    def offered(self) -> Sequence[OfferedTool]:
        return [OfferedTool(self.name, "", {"type": "object"})]

    def has(self, name: str) -> bool:
        return name == self.name

    async def run(self, calls: Sequence[ToolInvocation], *, user_id: int) -> list[ToolResult]:
        self.asked.append([c.call_id for c in calls])
        await self._gate.wait()  # both sets must be running at once to get past this
        return [ToolResult(c.call_id, c.name, f"{self.name}:{user_id}", True) for c in calls]


async def test_calls_go_to_their_set_and_come_back_in_order() -> None:
    gate = asyncio.Barrier(2)
    a, b = Named("a", gate), Named("b", gate)
    sets = ToolSets(a, b)
    assert [t.name for t in sets.offered] == ["a", "b"] and sets.has("b") and not sets.has("c")
    calls = [ToolInvocation("1", "b", {}), ToolInvocation("2", "a", {}), ToolInvocation("3", "c", {})]
    async with asyncio.timeout(5):
        results = await sets.run([*calls, ToolInvocation("4", "b", {})], user_id=7)
    assert [(r.call_id, r.output) for r in results[:2]] == [("1", "b:7"), ("2", "a:7")]
    assert not results[2].ok and "no tool named 'c'" in results[2].output
    assert results[3].output == "b:7"
    assert (a.asked, b.asked) == ([["2"]], [["1", "4"]])
