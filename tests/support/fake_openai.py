"""A scripted server speaking OpenAI's chat-completions (SSE streaming, tool calls), embeddings and
the shared /rerank API. Serve it with `tests.support.fake_llm.serving(FakeOpenAI(), "/v1")`."""

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


def _words(messages: list[dict[str, Any]]) -> int:
    return sum(len(str(m.get("content") or "").split()) for m in messages)


def _sse(payload: Any) -> bytes:
    return b"data: " + (payload if isinstance(payload, bytes) else json.dumps(payload).encode()) + b"\n\n"


class FakeOpenAI(ScriptedServer):
    async def handle(self, path: str, body: Any, send: Send) -> None:
        if path.endswith("/chat/completions"):
            await self._chat(body, send)
        elif path.endswith("/embeddings"):
            await self._embeddings(body, send)
        elif path.endswith("/rerank"):
            await self._rerank(body, send)
        else:
            await self.json_response(send, 404, {"error": {"message": f"no route {path}"}})

    async def _chat(self, body: dict[str, Any], send: Send) -> None:
        step = self.next_step()
        if isinstance(step, Delay):
            await asyncio.sleep(step.seconds)
            step = None
        if isinstance(step, Status):
            await self.json_response(
                send, step.code, step.body or {"error": {"message": "scripted"}}, step.headers
            )
            return
        messages = body.get("messages", [])
        model = body.get("model", "fake")
        base = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1, "model": model}

        def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
            return _sse({**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})

        if isinstance(step, Malformed):
            parts = [chunk({"role": "assistant", "content": "ok"}), b"data: {this is not json\n\n"]
            await self.stream_response(send, "text/event-stream", parts)
            return
        want_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        if isinstance(step, ToolCallReply):
            half = len(step.arguments) // 2
            call = {
                "index": 0,
                "id": step.call_id,
                "type": "function",
                "function": {"name": step.name, "arguments": ""},
            }
            parts = [
                chunk({"role": "assistant", "tool_calls": [call]}),
                chunk({"tool_calls": [{"index": 0, "function": {"arguments": step.arguments[:half]}}]}),
                chunk({"tool_calls": [{"index": 0, "function": {"arguments": step.arguments[half:]}}]}),
                chunk({}, "tool_calls"),
            ]
            completion = 3
        else:
            reply = step if isinstance(step, Reply) else Reply(last_user_text(messages))
            pieces = reply.chunks()
            if not body.get("stream"):
                text = "".join(pieces)
                usage = {"prompt_tokens": _words(messages), "completion_tokens": len(pieces)}
                await self.json_response(
                    send,
                    200,
                    {
                        "id": "chatcmpl-fake",
                        "object": "chat.completion",
                        "created": 1,
                        "model": model,
                        "choices": [
                            {
                                "index": 0,
                                "message": {"role": "assistant", "content": text},
                                "finish_reason": "stop",
                            }
                        ],
                        "usage": {**usage, "total_tokens": sum(usage.values())},
                    },
                )
                return
            parts = [chunk({"role": "assistant", "content": ""})]
            if reply.reasoning:
                parts.append(chunk({"reasoning_content": reply.reasoning}))
            parts += [chunk({"content": p}) for p in pieces]
            parts.append(chunk({}, "stop"))
            completion = len(pieces)
            want_usage = want_usage and reply.usage
        if want_usage:
            usage = {"prompt_tokens": _words(messages), "completion_tokens": completion}
            parts.append(
                _sse({**base, "choices": [], "usage": {**usage, "total_tokens": sum(usage.values())}})
            )
        parts.append(_sse(b"[DONE]"))
        await self.stream_response(send, "text/event-stream", parts)

    async def _embeddings(self, body: dict[str, Any], send: Send) -> None:
        step = self.next_step()
        if isinstance(step, Status):
            await self.json_response(
                send, step.code, step.body or {"error": {"message": "scripted"}}, step.headers
            )
            return
        inputs = body.get("input", [])
        inputs = inputs if isinstance(inputs, list) else [inputs]
        size = int(body.get("dimensions") or 8)
        data = [
            {
                "object": "embedding",
                "index": i,
                "embedding": [b / 255 for b in hashlib.sha256(str(t).encode()).digest()[:size]],
            }
            for i, t in enumerate(inputs)
        ]
        await self.json_response(
            send, 200, {"object": "list", "data": data, "model": body.get("model"), "usage": {}}
        )

    async def _rerank(self, body: dict[str, Any], send: Send) -> None:
        step = self.next_step()
        if isinstance(step, Status):
            await self.json_response(
                send, step.code, step.body or {"error": {"message": "scripted"}}, step.headers
            )
            return
        query = set(str(body.get("query", "")).lower().split())
        docs = body.get("documents", [])
        scored = [
            {"index": i, "relevance_score": len(query & set(str(d).lower().split())) / (1 + len(query))}
            for i, d in enumerate(docs)
        ]
        scored.sort(key=lambda r: r["relevance_score"], reverse=True)
        top = body.get("top_n") or len(scored)
        await self.json_response(send, 200, {"results": scored[:top]})
