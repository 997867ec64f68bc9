"""The last resort of a chat's SSE body: when reading the chat raises after the first byte (the
reader ends streams from the database by itself, so only when that fails too), each surface still
ends well-formed — the token API with a failed Chat then `done` (cozepy raises on `event: error`),
the SPA with its `error` then `done` — and the body closes."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from api.openapi.chat import DONE, _encode, _failed
from api.sse import relay
from api.web.chat import SpaEncoder
from application.conversation.chat.starting import ChatHandle
from application.conversation.chat.views import ChatRunView
from domain.common.runstream import RunEvent, RunStreamUnavailable
from domain.conversation.entities import ChatRun
from domain.conversation.values import ChatStatus

RUN = ChatRun(
    id=7, conversation_id=8, section_id=9, space_id=1, agent_id=5, agent_version="", connector_id=1024,
    creator_id=3, end_user="u", status=ChatStatus.IN_PROGRESS,
)  # fmt: skip
HANDLE = ChatHandle(ChatRunView.of(RUN), 7, 8, 9, 10, 11)


async def breaking(error: Exception) -> AsyncIterator[RunEvent]:
    yield RunEvent(1, "conversation.chat.created", {"id": "7", "created_at": 0})
    raise error


def parsed(body: bytes) -> list[tuple[str, Any]]:
    blocks = [b for b in body.decode().split("\n\n") if b]
    out = []
    for block in blocks:
        kind, data = block.split("\n")
        out.append((kind.removeprefix("event:"), json.loads(data.removeprefix("data:"))))
    return out


async def test_the_token_api_ends_with_a_failed_chat_and_done() -> None:
    chunks = [c async for c in relay(breaking(RuntimeError("db down")), _encode, DONE, _failed(HANDLE))]
    events = parsed(b"".join(chunks))
    assert [k for k, _ in events] == ["conversation.chat.created", "conversation.chat.failed", "done"]
    chat = events[1][1]
    assert chat["id"] == "7" and chat["conversation_id"] == "8" and chat["status"] == "failed"
    assert chat["last_error"] == {"code": 5000, "msg": "internal error"}
    assert events[2][1] == "[DONE]"


async def test_the_spa_ends_with_its_error_and_done_naming_the_cause() -> None:
    encoder = SpaEncoder(HANDLE)
    error = RunStreamUnavailable("NATS", reason="timed out")
    chunks = [c async for c in relay(breaking(error), encoder, b"", encoder.failed)] + [encoder.done()]
    events = parsed(b"".join(chunks))
    assert [k for k, _ in events] == ["message", "error", "done"]
    assert events[1][1]["code"] == 5032 and "NATS" in events[1][1]["msg"]
    assert events[2][1]["status"] == "failed" and events[2][1]["chat_id"] == "7"
