"""A langchain-core chat model behind the runtime port: messages in, ChatChunks out.

Text and reasoning deltas pass through as they arrive. Tool-call fragments are gathered by index
and handed out whole, arguments parsed, on the last chunk -- together with usage (summed over the
provider's chunks, as Anthropic reports input and output separately) or an estimate when absent.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage

from domain.common.llm import (
    ChatChunk,
    ChatMessage,
    ChatRequest,
    Role,
    ToolArgumentsInvalid,
    ToolCall,
    Usage,
)
from infra.llm.errors import classify
from infra.llm.usage import estimate_input_tokens, estimate_tokens

# Provider stop reasons -> the runtime's: stop | length | tool_calls | content_filter
_FINISH = {
    "stop": "stop",
    "end_turn": "stop",
    "stop_sequence": "stop",
    "length": "length",
    "max_tokens": "length",
    "tool_calls": "tool_calls",
    "tool_use": "tool_calls",
    "function_call": "tool_calls",
    "content_filter": "content_filter",
}

ParameterMapper = Callable[[Mapping[str, Any]], dict[str, Any]]


def to_langchain(messages: list[ChatMessage] | tuple[ChatMessage, ...] | Any) -> list[BaseMessage]:
    out: list[BaseMessage] = []
    for m in messages:
        if m.role is Role.SYSTEM:
            out.append(SystemMessage(content=m.content))
        elif m.role is Role.USER:
            out.append(HumanMessage(content=_user_content(m)))
        elif m.role is Role.ASSISTANT:
            calls = [
                {"id": c.id, "name": c.name, "args": dict(c.arguments), "type": "tool_call"}
                for c in m.tool_calls
            ]
            out.append(AIMessage(content=m.content, tool_calls=calls))
        else:
            out.append(ToolMessage(content=m.content, tool_call_id=m.tool_call_id, name=m.name or None))
    return out


def _user_content(m: ChatMessage) -> str | list[str | dict[str, Any]]:
    """Plain text, or content blocks when images come along (OpenAI's image_url shape, which the
    Anthropic and Ollama integrations translate to their own)."""
    if not m.images:
        return m.content
    blocks: list[str | dict[str, Any]] = [{"type": "text", "text": m.content}] if m.content else []
    blocks += [{"type": "image_url", "image_url": {"url": url}} for url in m.images]
    return blocks


def _text_of(content: Any) -> tuple[str, str]:
    """(text, reasoning) of a chunk's content: a string, or content blocks (Anthropic)."""
    if isinstance(content, str):
        return content, ""
    text: list[str] = []
    reasoning: list[str] = []
    for block in content or ():
        if isinstance(block, str):
            text.append(block)
        elif isinstance(block, dict):
            kind = block.get("type")
            if kind == "text":
                text.append(str(block.get("text", "")))
            elif kind in ("thinking", "reasoning"):
                reasoning.append(str(block.get("thinking") or block.get("reasoning") or ""))
    return "".join(text), "".join(reasoning)


class _ToolCallBuffer:
    def __init__(self) -> None:
        self._calls: dict[Any, dict[str, str]] = {}

    def add(self, fragments: list[Any]) -> None:
        for f in fragments:
            key = f.get("index")
            if key is None:
                key = f"#{len(self._calls)}"
            slot = self._calls.setdefault(key, {"id": "", "name": "", "args": ""})
            slot["id"] = slot["id"] or (f.get("id") or "")
            slot["name"] = slot["name"] or (f.get("name") or "")
            args = f.get("args")
            if args:
                slot["args"] += args if isinstance(args, str) else json.dumps(args)

    def calls(self) -> tuple[ToolCall, ...]:
        out: list[ToolCall] = []
        for n, slot in enumerate(self._calls.values()):
            name = slot["name"]
            try:
                arguments = json.loads(slot["args"]) if slot["args"].strip() else {}
            except ValueError:
                raise ToolArgumentsInvalid(tool=name[:64] or "?") from None
            if not isinstance(arguments, dict):
                raise ToolArgumentsInvalid(tool=name[:64] or "?")
            out.append(ToolCall(id=slot["id"] or f"call_{n}", name=name, arguments=arguments))
        return tuple(out)


class LangchainChatModel:
    def __init__(
        self,
        model: BaseChatModel,
        *,
        endpoint: str,
        timeout_s: float,
        secrets: tuple[str, ...] = (),
        map_parameters: ParameterMapper = dict,
    ) -> None:
        self._model = model
        self._endpoint = endpoint
        self._timeout_s = timeout_s
        self._secrets = secrets
        self._map_parameters = map_parameters

    def stream(self, request: ChatRequest) -> AsyncIterator[ChatChunk]:
        return self._stream(request)

    async def _stream(self, request: ChatRequest) -> AsyncIterator[ChatChunk]:
        runnable: Any = self._model
        if request.tools:
            runnable = runnable.bind_tools([_openai_tool(t) for t in request.tools])
        kwargs = self._map_parameters(request.parameters)
        if kwargs:
            runnable = runnable.bind(**kwargs)
        state = _StreamState()
        try:
            async for chunk in runnable.astream(to_langchain(request.messages)):
                text, reasoning = state.take(chunk)
                if text or reasoning:
                    yield ChatChunk(text=text, reasoning=reasoning)
        except Exception as exc:
            raise classify(
                exc, endpoint=self._endpoint, timeout_s=self._timeout_s, secrets=self._secrets
            ) from None
        yield state.last(request)


class _StreamState:
    """What a stream has gathered so far: tool-call fragments, usage, finish reason, text for estimates."""

    __slots__ = ("finish", "input_tokens", "output_tokens", "produced", "reported", "tools")

    def __init__(self) -> None:
        self.tools = _ToolCallBuffer()
        self.input_tokens = self.output_tokens = 0
        self.reported = False
        self.produced: list[str] = []
        self.finish: str | None = None

    def take(self, chunk: Any) -> tuple[str, str]:
        text, reasoning = _text_of(chunk.content)
        if not reasoning:
            reasoning = chunk.additional_kwargs.get("reasoning_content") or ""
        if chunk.tool_call_chunks:
            self.tools.add(chunk.tool_call_chunks)
        usage = chunk.usage_metadata
        if usage:
            self.reported = True
            self.input_tokens += usage.get("input_tokens", 0)
            self.output_tokens += usage.get("output_tokens", 0)
        meta = chunk.response_metadata
        if meta:
            reason = meta.get("finish_reason") or meta.get("done_reason") or meta.get("stop_reason")
            if reason:
                self.finish = _FINISH.get(reason, reason)
        if text:
            self.produced.append(text)
        return text, reasoning

    def last(self, request: ChatRequest) -> ChatChunk:
        calls = self.tools.calls()
        if self.reported:
            usage = Usage(self.input_tokens, self.output_tokens)
        else:
            arguments = sum(estimate_tokens(json.dumps(dict(c.arguments))) for c in calls)
            usage = Usage(
                estimate_input_tokens(request.messages),
                estimate_tokens("".join(self.produced)) + arguments,
                estimated=True,
            )
        finish = self.finish
        if calls and finish in (None, "stop"):
            finish = "tool_calls"
        return ChatChunk(tool_calls=calls, usage=usage, finish_reason=finish or "stop")


def _openai_tool(tool: Any) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {"name": tool.name, "description": tool.description, "parameters": dict(tool.parameters)},
    }
