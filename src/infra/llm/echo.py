"""`builtin-echo`: a deterministic chat model for offline use, demos and tests -- not intelligence.

It streams the last user message back word by word. Directives in that message:
- `/slow`               stream one word per 200 ms;
- `/tool NAME {json}`   ask for a call of tool NAME with that JSON object as arguments (the rest of
                        the line is the JSON); one directive per line asks for several calls at
                        once; after tool results it streams the results back, one per line;
- `/fail`               fail with a provider error (not retryable);
- `/fail-after N`       stream the first N words, then fail with a provider error (a model that
                        breaks mid-answer).
Directives are not echoed. Usage: input tokens = whitespace-separated words in all messages;
output tokens = words streamed (for a tool call: the words of `NAME {json}`).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator

from domain.common.llm import (
    ChatChunk,
    ChatRequest,
    ModelProviderError,
    Role,
    ToolArgumentsInvalid,
    ToolCall,
    Usage,
)

SLOW_DELAY_S = 0.2
_TOOL = re.compile(r"/tool[ \t]+([A-Za-z_][A-Za-z0-9_.-]{0,63})[ \t]*(.*)$", re.MULTILINE)
_WORD = re.compile(r"\S+")
_FAIL_AFTER = re.compile(r"(?:^|\s)/fail-after\s+(\d{1,6})(?=\s|$)")


def _words(text: str) -> int:
    return len(text.split())


class EchoChatModel:
    def __init__(self, slow_delay_s: float = SLOW_DELAY_S) -> None:
        self._slow_delay_s = slow_delay_s

    def stream(self, request: ChatRequest) -> AsyncIterator[ChatChunk]:
        return self._stream(request)

    async def _stream(self, request: ChatRequest) -> AsyncIterator[ChatChunk]:
        input_tokens = sum(_words(m.content) for m in request.messages)
        last = request.messages[-1] if request.messages else None
        if last is not None and last.role is Role.TOOL:
            # Answer tool results with the results themselves.
            results: list[str] = []
            for message in reversed(request.messages):
                if message.role is not Role.TOOL:
                    break
                results.insert(0, message.content)
            async for chunk in self._echo("\n".join(results), slow=False, input_tokens=input_tokens):
                yield chunk
            return
        text = next((m.content for m in reversed(request.messages) if m.role is Role.USER), "")
        if "/fail" in text.split():
            raise ModelProviderError(status=0, detail="builtin-echo was asked to fail (/fail)")
        directives = list(_TOOL.finditer(text))
        if directives:
            calls, said = [], 0
            for index, tool in enumerate(directives):
                name, raw = tool.group(1), tool.group(2).strip()
                try:
                    arguments = json.loads(raw) if raw else {}
                except ValueError:
                    raise ToolArgumentsInvalid(tool=name) from None
                if not isinstance(arguments, dict):
                    raise ToolArgumentsInvalid(tool=name)
                suffix = f"_{index}" if index else ""
                calls.append(ToolCall(id=f"call_echo_{_words(text)}{suffix}", name=name, arguments=arguments))
                said += _words(f"{name} {raw}")
            yield ChatChunk(
                tool_calls=tuple(calls), usage=Usage(input_tokens, said), finish_reason="tool_calls"
            )
            return
        fail_after = _FAIL_AFTER.search(text)
        if fail_after is not None:
            text = text[: fail_after.start()] + " " + text[fail_after.end() :]
        slow = "/slow" in text.split()
        plain = " ".join(w for w in text.split() if w != "/slow")
        limit = int(fail_after.group(1)) if fail_after is not None else None
        async for chunk in self._echo(plain, slow=slow, input_tokens=input_tokens, limit=limit):
            yield chunk

    async def _echo(
        self, text: str, *, slow: bool, input_tokens: int, limit: int | None = None
    ) -> AsyncIterator[ChatChunk]:
        count = 0
        for match in _WORD.finditer(text):
            if limit is not None and count >= limit:
                break
            if slow and count:
                await asyncio.sleep(self._slow_delay_s)
            yield ChatChunk(text=match.group() if count == 0 else " " + match.group())
            count += 1
        if limit is not None:
            raise ModelProviderError(status=0, detail=f"builtin-echo was asked to fail after {limit} words")
        yield ChatChunk(usage=Usage(input_tokens, count), finish_reason="stop")
