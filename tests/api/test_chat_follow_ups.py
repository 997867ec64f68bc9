"""Follow-up suggestions on SQLite and MariaDB, with builtin-echo (which echoes the suggestion
request's question-and-answer text on one line): streamed before the chat's end on the token API
and in the SPA's events, stored as the chat's messages, counted in its usage, kept out of the
history of the next turn."""

from __future__ import annotations

import json
from typing import Any

import pytest

from application.conversation.chat.followups import SUGGESTION_INSTRUCTION
from bootstrap.settings import Settings
from tests.support.chat_world import ChatUser, Client, chat_user, parse_sse

ENABLE = {"suggest_reply_info": {"reply_mode": "enable"}}
CUSTOM = "Ask one thing back"


@pytest.fixture
async def me(anon_client: Client, settings: Settings) -> ChatUser:
    return await chat_user(anon_client, settings, **ENABLE)


def completed(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e["data"] for e in events if e["event"] == "conversation.message.completed"]


def echoed(instruction: str, question: str, answer: str) -> tuple[str, int, int]:
    """What builtin-echo suggests for a turn, and the usage it reports (input, output words)."""
    source = f"Question: {question}\nAnswer: {answer}"
    return " ".join(source.split()), len(instruction.split()) + len(source.split()), len(source.split())


async def test_suggestions_are_streamed_stored_listed_and_counted(me: ChatUser) -> None:
    events = await me.stream("hello brave world")
    assert [e["event"] for e in events][-3:] == [
        "conversation.message.completed",
        "conversation.chat.completed",
        "done",
    ]
    answer, note, follow_up = completed(events)
    assert (answer["type"], note["type"], follow_up["type"]) == ("answer", "verbose", "follow_up")
    assert json.loads(note["content"])["msg_type"] == "generate_answer_finish"
    suggestion, _, words_out = echoed(SUGGESTION_INSTRUCTION, "hello brave world", "hello brave world")
    assert follow_up["content"] == suggestion and follow_up["role"] == "assistant"
    chat = events[-2]["data"]
    assert follow_up["chat_id"] == chat["id"] and follow_up["content_type"] == "text"
    assert chat["usage"]["output_count"] == 3 + words_out

    ids = {"conversation_id": chat["conversation_id"], "chat_id": chat["id"]}
    listed = (await me.post("/v3/chat/message/list", params=ids))["data"]
    assert [(m["id"], m["type"], m["content"]) for m in listed] == [
        (answer["id"], "answer", "hello brave world"),
        (follow_up["id"], "follow_up", suggestion),
    ]
    retrieved = (await me.post("/v3/chat/retrieve", params=ids))["data"]
    assert retrieved["usage"] == chat["usage"]

    # The next turn's prompt is the same as in a conversation that never had suggestions: the
    # difference in usage is exactly the second suggestion call's.
    second = await me.stream("again", conversation_id=chat["conversation_id"])
    plain_bot = await me.new_bot()
    first_plain = await me.stream("hello brave world", bot_id=plain_bot)
    assert [m["type"] for m in completed(first_plain)] == ["answer", "verbose"]
    second_plain = await me.stream(
        "again", conversation_id=first_plain[-2]["data"]["conversation_id"], bot_id=plain_bot
    )
    assert second_plain[-2]["data"]["bot_id"] == plain_bot
    _, again_in, again_out = echoed(SUGGESTION_INSTRUCTION, "again", "again")
    usage, plain = second[-2]["data"]["usage"], second_plain[-2]["data"]["usage"]
    assert usage["input_count"] - plain["input_count"] == again_in
    assert usage["output_count"] - plain["output_count"] == again_out


async def test_the_customized_prompt_and_polling(me: ChatUser) -> None:
    custom = await me.new_bot(suggest_reply_info={"reply_mode": "customized", "customized_prompt": CUSTOM})
    made = await me.post(
        "/v3/chat",
        {**me.chat_body("poll me"), "bot_id": custom, "stream": False},
        params={"conversation_id": ""},
    )
    chat = made["data"]
    ids = {"conversation_id": chat["conversation_id"], "chat_id": chat["id"]}
    for _ in range(200):
        got = (await me.post("/v3/chat/retrieve", params=ids))["data"]
        if got["status"] == "completed":
            break
    assert got["status"] == "completed"
    # Completed means the suggestions are there too; their call used the agent's own instruction.
    listed = (await me.post("/v3/chat/message/list", params=ids))["data"]
    suggestion, _, words_out = echoed(CUSTOM, "poll me", "poll me")
    assert [(m["type"], m["content"]) for m in listed] == [("answer", "poll me"), ("follow_up", suggestion)]
    assert got["usage"]["output_count"] == 2 + words_out


async def test_a_failed_answer_gets_no_suggestions(me: ChatUser) -> None:
    events = await me.stream("/fail-after 1 a b c")
    assert events[-2]["event"] == "conversation.chat.failed"
    assert [m["type"] for m in completed(events)] == ["answer"]


async def test_the_playground_carries_the_suggestions(anon_client: Client, settings: Settings) -> None:
    me = await chat_user(anon_client, settings, publish=False, **ENABLE)
    r = await me.client.post(
        "/api/conversation/chat", json={"bot_id": me.bot, "draft_mode": True, "query": "hi playground"}
    )
    events = parse_sse(r.content)
    question_id = events[0]["data"]["message"]["message_id"]
    finished = [e["data"] for e in events if e["event"] == "message" and e["data"]["is_finish"]]
    assert [f["message"]["type"] for f in finished] == ["ack", "answer", "verbose", "follow_up"]
    follow_up = finished[-1]["message"]
    suggestion, _, _ = echoed(SUGGESTION_INSTRUCTION, "hi playground", "hi playground")
    assert follow_up["content"] == suggestion and follow_up["reply_id"] == question_id
    assert [f["index"] for f in finished[1:]] == [0, 1, 2]
    assert events[-1]["event"] == "done" and events[-1]["data"]["status"] == "completed"
    listed = await me.client.post(
        "/api/conversation/get_message_list",
        json={"conversation_id": events[0]["data"]["conversation_id"], "count": 50, "cursor": "0"},
    )
    types = {m["message_id"]: m["type"] for m in listed.json()["message_list"]}
    assert types[follow_up["message_id"]] == "follow_up"
    assert "verbose" not in types.values()
