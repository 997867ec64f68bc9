"""A scripted server speaking Anthropic's Messages API with SSE streaming (text and tool_use)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from tests.support.fake_llm import (
    Delay,
    Malformed,
    Reply,
    ScriptedServer,
    Send,
    Status,
    ToolCallReply,
    last_user_text,
)


def _event(name: str, payload: dict[str, Any]) -> bytes:
    return f"event: {name}\ndata: {json.dumps(payload)}\n\n".encode()


class FakeAnthropic(ScriptedServer):
    async def handle(self, path: str, body: Any, send: Send) -> None:
        step = self.next_step()
        if isinstance(step, Delay):
            await asyncio.sleep(step.seconds)
            step = None
        if isinstance(step, Status):
            payload = step.body or {"type": "error", "error": {"type": "api_error", "message": "scripted"}}
            await self.json_response(send, step.code, payload, step.headers)
            return
        if not path.endswith("/messages"):
            await self.json_response(
                send, 404, {"type": "error", "error": {"type": "not_found", "message": path}}
            )
            return
        messages = body.get("messages", [])
        system = body.get("system") or ""
        system_text = system if isinstance(system, str) else " ".join(b.get("text", "") for b in system)
        prompt = len(system_text.split()) + sum(len(last_user_text([m]).split()) for m in messages)
        start = {
            "type": "message_start",
            "message": {
                "id": "msg_fake",
                "type": "message",
                "role": "assistant",
                "model": body.get("model"),
                "content": [],
                "stop_reason": None,
                "stop_sequence": None,
                "usage": {"input_tokens": prompt, "output_tokens": 0},
            },
        }
        parts = [_event("message_start", start)]
        if isinstance(step, Malformed):
            parts.append(b"event: content_block_start\ndata: {not json\n\n")
            await self.stream_response(send, "text/event-stream", parts)
            return
        if isinstance(step, ToolCallReply):
            block = {"type": "tool_use", "id": step.call_id, "name": step.name, "input": {}}
            half = len(step.arguments) // 2
            parts.append(
                _event(
                    "content_block_start", {"type": "content_block_start", "index": 0, "content_block": block}
                )
            )
            for piece in (step.arguments[:half], step.arguments[half:]):
                delta = {"type": "input_json_delta", "partial_json": piece}
                parts.append(
                    _event("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": delta})
                )
            stop, produced = "tool_use", 3
        else:
            reply = step if isinstance(step, Reply) else Reply(last_user_text(messages))
            block = {"type": "text", "text": ""}
            parts.append(
                _event(
                    "content_block_start", {"type": "content_block_start", "index": 0, "content_block": block}
                )
            )
            for piece in reply.chunks():
                delta = {"type": "text_delta", "text": piece}
                parts.append(
                    _event("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": delta})
                )
            stop, produced = "end_turn", len(reply.chunks())
        parts.append(_event("content_block_stop", {"type": "content_block_stop", "index": 0}))
        parts.append(
            _event(
                "message_delta",
                {
                    "type": "message_delta",
                    "delta": {"stop_reason": stop, "stop_sequence": None},
                    # The current API repeats the input count here; langchain reads usage from this event.
                    "usage": {"input_tokens": prompt, "output_tokens": produced},
                },
            )
        )
        parts.append(_event("message_stop", {"type": "message_stop"}))
        await self.stream_response(send, "text/event-stream", parts)
