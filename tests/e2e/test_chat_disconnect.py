"""Generation runs detached from the HTTP request: a client that drops the event stream still gets
the whole answer afterwards — from another API process of the same deployment when the run
streams live on NATS (the real-servers run), from the same process with embedded defaults."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from cozepy import ChatStatus

from tests.e2e.conftest import EchoBot, coze_for
from tests.e2e.test_chat_sse_wire import chat_body
from tests.support.cozepy_tools import wait_chat
from tests.support.served import Account, Served, serve_process


@pytest.fixture(scope="module")
def other_process(served: Served) -> Iterator[Served]:
    """A second API process sharing database and NATS; in-process run streams cannot be shared,
    so with embedded defaults this is the same process."""
    if served.kind == "embedded":
        yield served
        return
    with serve_process(served.kind, served.env, served.log.parent, "serve-2") as second:
        yield second


def test_dropped_stream_keeps_running(
    served: Served, other_process: Served, owner: Account, echo_bot: EchoBot
) -> None:
    text = " ".join(f"d{i}" for i in range(8))
    headers = {"Authorization": f"Bearer {owner.token}"}
    body = chat_body(echo_bot.bot_id, f"/slow {text}")
    seen: list[str] = []
    chat: dict[str, str] = {}
    with httpx.stream(
        "POST", f"{served.base_url}/v3/chat", json=body, headers=headers, timeout=30
    ) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        lines = response.iter_lines()
        for line in lines:
            if line.startswith("event:"):
                seen.append(line[len("event:") :].strip())
            elif line.startswith("data:") and seen[-1] == "conversation.chat.created":
                chat = json.loads(line[len("data:") :])
            if seen and seen[-1] == "conversation.message.delta":
                break  # hang up after the first word
    assert chat, seen

    coze = coze_for(other_process, owner.token)
    done = wait_chat(coze, chat["conversation_id"], chat["id"])
    assert done.status == ChatStatus.COMPLETED
    answers = [
        m.content
        for m in coze.chat.messages.list(conversation_id=chat["conversation_id"], chat_id=chat["id"])
        if m.type == "answer"
    ]
    assert answers == [text]
