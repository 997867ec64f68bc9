"""The baseline for chat streaming figures: a bare Litestar app whose POST /v3/chat streams the events
of one Coze chat turn, with the tokens builtin-echo produces for the query, and nothing else (no auth,
no database, no run stream, no middleware).

Request body as /v3/chat takes it (`additional_messages[-1].content` is the query; the rest is
ignored). Events, each exactly `event:` and `data:` lines as cozeplus sends them:
conversation.chat.created, conversation.chat.in_progress, one conversation.message.delta per token,
conversation.message.completed, conversation.chat.completed, done. Served by http_server.py (`sse`).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import AsyncIterator
from typing import Any

import msgspec
from litestar import Litestar, Request, get, post
from litestar.exceptions import ValidationException
from litestar.response import Stream

from domain.common.llm import ChatMessage, ChatRequest, Role
from infra.llm.echo import EchoChatModel

_ids = itertools.count(7_400_000_000_000_000_000)
_encode = msgspec.json.Encoder().encode


def event(name: str, data: Any) -> bytes:
    return b"event:" + name.encode() + b"\ndata:" + _encode(data) + b"\n\n"


def query_of(body: bytes) -> str:
    try:
        decoded = msgspec.json.decode(body)
        return str(decoded["additional_messages"][-1]["content"])
    except (msgspec.DecodeError, KeyError, IndexError, TypeError) as exc:
        raise ValidationException("body must carry additional_messages[-1].content") from exc


async def chat_events(query: str, model: EchoChatModel) -> AsyncIterator[bytes]:
    chat_id, conversation_id, message_id = str(next(_ids)), str(next(_ids)), str(next(_ids))
    chat: dict[str, Any] = {
        "id": chat_id,
        "conversation_id": conversation_id,
        "bot_id": "1",
        "created_at": int(time.time()),
        "last_error": {"code": 0, "msg": ""},
        "status": "created",
        "usage": {"token_count": 0, "output_count": 0, "input_count": 0},
    }
    yield event("conversation.chat.created", chat)
    chat["status"] = "in_progress"
    yield event("conversation.chat.in_progress", chat)
    message = {
        "id": message_id,
        "conversation_id": conversation_id,
        "bot_id": "1",
        "chat_id": chat_id,
        "role": "assistant",
        "type": "answer",
        "content": "",
        "content_type": "text",
    }
    answer: list[str] = []
    async for chunk in model.stream(ChatRequest(messages=[ChatMessage(Role.USER, query)])):
        if chunk.text:
            answer.append(chunk.text)
            yield event("conversation.message.delta", {**message, "content": chunk.text})
        if chunk.usage is not None:
            usage = chunk.usage
            chat["usage"] = {
                "token_count": usage.total_tokens,
                "output_count": usage.output_tokens,
                "input_count": usage.input_tokens,
            }
    yield event("conversation.message.completed", {**message, "content": "".join(answer)})
    chat["status"], chat["completed_at"] = "completed", int(time.time())
    yield event("conversation.chat.completed", chat)
    yield event("done", "[DONE]")


def sse_app() -> Litestar:
    model = EchoChatModel()

    @get("/healthz", sync_to_thread=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @post("/v3/chat", status_code=200)
    async def chat(request: Request[Any, Any, Any]) -> Stream:
        query = query_of(await request.body())
        return Stream(chat_events(query, model), media_type="text/event-stream")

    return Litestar(route_handlers=[healthz, chat], logging_config=None)
