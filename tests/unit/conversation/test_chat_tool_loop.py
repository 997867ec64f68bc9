"""The engine's server tool loop: results go back to the model until it answers or the step limit
is reached; text said before a call stays an answer; a step asking for server and client tools
runs the server's and then waits for the client's."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Collection, Mapping, Sequence
from typing import Any

from application.conversation.chat.tools import MAX_TOOL_STEPS
from crossdomain.agent import AgentPluginTool
from crossdomain.plugin import OfferedTool, ToolInvocation, ToolResult
from domain.common.llm import ChatChunk, ChatRequest, Role, ToolCall, Usage
from domain.conversation.values import ChatStatus
from tests.support.chat_kit import actor, kit
from tests.support.conversation_fakes import agent_snapshot
from tests.unit.conversation.test_chat_control import ask

CLOCK = OfferedTool("clock", "the time", {"type": "object", "properties": {}})


class Toolset:
    def __init__(self, toolbox: Toolbox) -> None:
        self._toolbox = toolbox

    @property
    def offered(self) -> Sequence[OfferedTool]:
        return [CLOCK]

    def has(self, name: str) -> bool:
        return name == "clock"

    async def run(self, calls: Sequence[ToolInvocation], *, user_id: int) -> list[ToolResult]:
        self._toolbox.ran.append([c.name for c in calls])
        return [ToolResult(c.call_id, c.name, '{"now": "12:00"}', True, 1, 2) for c in calls]


class Toolbox:
    def __init__(self) -> None:
        self.ran: list[list[str]] = []
        self.asked: list[tuple[int, tuple[str, ...]]] = []

    async def toolset(
        self,
        space_id: int,
        tools: Sequence[AgentPluginTool],
        *,
        taken: Collection[str] = (),
        variables: Mapping[str, str] | None = None,
    ) -> Toolset:
        self.asked.append((space_id, tuple(taken)))
        return Toolset(self)


class Scripted:
    """Says `text` and calls the tools named for each step; the step after the script answers."""

    def __init__(self, steps: list[tuple[str, list[str]]], *, forever: bool = False) -> None:
        self.steps, self.forever = steps, forever
        self.requests: list[ChatRequest] = []

    def stream(self, request: ChatRequest) -> AsyncIterator[ChatChunk]:
        self.requests.append(request)
        return self._stream(len(self.requests) - 1)

    async def _stream(self, step: int) -> AsyncIterator[ChatChunk]:
        if self.forever or step < len(self.steps):
            text, names = self.steps[min(step, len(self.steps) - 1)]
            if text:
                yield ChatChunk(text)
            calls = tuple(ToolCall(f"call_{step}_{i}", n, {}) for i, n in enumerate(names))
            yield ChatChunk(tool_calls=calls, usage=Usage(10, 1))
            return
        yield ChatChunk("it is noon", usage=Usage(20, 3))


BOUND = (AgentPluginTool(5, 50),)


def _kit(model: Scripted, **snapshot: Any) -> Any:
    k = kit(model, toolbox=Toolbox())  # type: ignore[arg-type]
    k.directory.put(agent_snapshot(plugin_tools=BOUND, **snapshot))
    return k


async def test_results_go_back_to_the_model_and_text_before_a_call_stays_an_answer() -> None:
    model = Scripted([("let me look", ["clock"])])
    k = _kit(model, tools=("lookup",))
    handle = await k.chats.start(actor(), ask("what time is it?"))
    events = await k.events(handle)
    assert events[-2].kind == "conversation.chat.completed"
    second = model.requests[1]
    assert [m.role for m in second.messages[-2:]] == [Role.ASSISTANT, Role.TOOL]
    assert second.messages[-2].content == "let me look" and second.messages[-1].content == '{"now": "12:00"}'
    assert {t.name for t in second.tools} == {"lookup", "clock"}
    assert k.toolbox.asked == [(10, ("lookup",))]  # the client's names are taken
    stored = sorted(await k.messages.for_chat(handle.chat_id), key=lambda m: m.id)
    assert [(m.type.value, m.content) for m in stored] == [
        ("question", "what time is it?"),
        ("answer", "let me look"),
        ("function_call", json.dumps({"id": "call_0_0", "name": "clock", "arguments": {}})),
        ("tool_response", '{"now": "12:00"}'),
        ("answer", "it is noon"),
    ]
    run = await k.runs.get(handle.chat_id)
    assert run is not None and run.answer_id == stored[-1].id
    assert (run.usage.input_count, run.usage.output_count) == (30, 4)  # both model steps
    conversation = await k.conversations.get(handle.conversation_id)
    assert conversation is not None and conversation.leaf_message_id == stored[-1].id


async def test_the_step_after_the_limit_offers_no_tools() -> None:
    model = Scripted([("", ["clock"])], forever=True)
    k = _kit(model)
    handle = await k.chats.start(actor(), ask("loop"))
    events = await k.events(handle)
    assert events[-2].kind == "conversation.chat.completed"
    assert len(model.requests) == MAX_TOOL_STEPS + 1
    assert [bool(r.tools) for r in model.requests] == [True] * MAX_TOOL_STEPS + [False]
    assert len(k.toolbox.ran) == MAX_TOOL_STEPS


async def test_server_and_client_tools_in_one_step_run_the_servers_then_wait_for_the_client() -> None:
    model = Scripted([("", ["clock", "lookup"])])
    k = _kit(model, tools=("lookup",))
    handle = await k.chats.start(actor(), ask("both"))
    await k.events(handle)
    run = await k.runs.get(handle.chat_id)
    assert run is not None and run.status is ChatStatus.REQUIRES_ACTION
    assert [c.name for c in run.required_action] == ["lookup"]
    assert k.toolbox.ran == [["clock"]]
    stored = sorted(await k.messages.for_chat(handle.chat_id), key=lambda m: m.id)
    assert [m.type.value for m in stored] == ["question", "function_call", "tool_response", "function_call"]
    conversation = await k.conversations.get(handle.conversation_id)
    assert conversation is not None and conversation.leaf_message_id == stored[-1].id
