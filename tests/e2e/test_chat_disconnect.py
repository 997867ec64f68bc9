"""Generation runs detached from the HTTP request: a client that drops the event stream still gets
the whole answer afterwards — by polling through the token API, or by re-attaching the SPA's stream
from the last seq_id — from another API process of the same deployment when the run streams live
on NATS (the real-servers run), from the same process with embedded defaults."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from cozepy import ChatStatus, Coze

from tests.e2e.conftest import EchoBot, coze_for, create_echo_bot
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


def spa_events(lines: Iterator[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(event, data) pairs of an SPA chat stream, as they arrive."""
    name = ""
    for line in lines:
        if line.startswith("event:"):
            name = line[len("event:") :].strip()
        elif line.startswith("data:"):
            yield name, json.loads(line[len("data:") :])


def test_spa_chat_resumes_after_a_dropped_stream(
    served: Served, other_process: Served, owner: Account, coze: Coze, echo_model_id: str
) -> None:
    """The playground drops its stream after the first word and re-attaches from the last seq_id,
    on the other API process: the rest of the answer follows, nothing twice, nothing missing."""
    bot_id = create_echo_bot(coze, owner, echo_model_id, "spa resume", publish=False)  # the SPA runs drafts
    text = " ".join(f"r{i}" for i in range(8))
    seqs: list[int] = []
    words: list[str] = []
    chat_id = conversation_id = ""
    with owner.web.stream(
        "POST", "/api/conversation/chat", json={"bot_id": bot_id, "query": f"/slow {text}"}
    ) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        for name, data in spa_events(r.iter_lines()):
            assert name == "message", (name, data)
            seqs.append(int(data["seq_id"]))
            conversation_id = data["conversation_id"]
            message = data["message"]
            if message["type"] == "ack":
                chat_id = message["extra_info"]["chat_id"]
            elif message["type"] == "answer" and not data["is_finish"]:
                words.append(message["content"])
                break  # hang up after the first word
    assert chat_id and words, seqs

    other = httpx.Client(
        base_url=other_process.base_url,
        cookies=owner.web.cookies,
        headers={"Origin": other_process.base_url},
        timeout=30,
    )
    with (
        other,
        other.stream(
            "POST",
            "/api/conversation/chat/resume",
            json={"conversation_id": conversation_id, "chat_id": chat_id, "seq_id": seqs[-1]},
        ) as r,
    ):
        assert r.headers["content-type"].startswith("text/event-stream"), r.read()
        finished: dict[str, Any] = {}
        done: dict[str, Any] = {}
        for name, data in spa_events(r.iter_lines()):
            if name == "done":
                done = data
                continue
            assert name == "message", (name, data)
            seqs.append(int(data["seq_id"]))
            message = data["message"]
            if message["type"] == "answer":
                if data["is_finish"]:
                    finished = message
                else:
                    words.append(message["content"])
    assert seqs == sorted(set(seqs)), f"an event came twice or out of order: {seqs}"
    assert "".join(words) == text
    assert finished["content"] == text
    assert done["status"] == "completed" and done["chat_id"] == chat_id
