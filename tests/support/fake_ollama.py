"""A scripted server speaking the Ollama API: /api/chat (NDJSON streaming, tool calls) and /api/embed."""

from __future__ import annotations

import asyncio
import hashlib
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

STAMP = "2026-01-01T00:00:00Z"


def _line(payload: Any) -> bytes:
    return json.dumps(payload).encode() + b"\n"


class FakeOllama(ScriptedServer):
    async def handle(self, path: str, body: Any, send: Send) -> None:
        step = self.next_step()
        if isinstance(step, Delay):
            await asyncio.sleep(step.seconds)
            step = None
        if isinstance(step, Status):
            await self.json_response(
                send, step.code, step.body or {"error": "scripted failure"}, step.headers
            )
            return
        if path == "/api/chat":
            await self._chat(body, step, send)
        elif path == "/api/embed":
            inputs = body.get("input", [])
            inputs = inputs if isinstance(inputs, list) else [inputs]
            vectors = [[b / 255 for b in hashlib.sha256(str(t).encode()).digest()[:8]] for t in inputs]
            await self.json_response(send, 200, {"model": body.get("model"), "embeddings": vectors})
        else:
            await self.json_response(send, 404, {"error": f"no route {path}"})

    async def _chat(self, body: dict[str, Any], step: Any, send: Send) -> None:
        model = body.get("model", "fake")
        messages = body.get("messages", [])

        def message(content: str, **extra: Any) -> dict[str, Any]:
            return {
                "model": model,
                "created_at": STAMP,
                "message": {"role": "assistant", "content": content, **extra},
            }

        prompt = sum(len(str(m.get("content") or "").split()) for m in messages)
        if isinstance(step, Malformed):
            await self.stream_response(
                send, "application/x-ndjson", [_line({**message("ok"), "done": False}), b"{oops\n"]
            )
            return
        if isinstance(step, ToolCallReply):
            call = {"function": {"name": step.name, "arguments": json.loads(step.arguments)}}
            parts = [_line({**message("", tool_calls=[call]), "done": False})]
            evals = 3
        else:
            reply = step if isinstance(step, Reply) else Reply(last_user_text(messages))
            parts = [_line({**message(p), "done": False}) for p in reply.chunks()]
            evals = len(reply.chunks())
        final = {
            **message(""),
            "done": True,
            "done_reason": "stop",
            "total_duration": 1000,
            "load_duration": 1,
            "prompt_eval_count": prompt,
            "prompt_eval_duration": 1,
            "eval_count": evals,
            "eval_duration": 1,
        }
        parts.append(_line(final))
        await self.stream_response(send, "application/x-ndjson", parts)
