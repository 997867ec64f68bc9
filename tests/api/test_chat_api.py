"""Token API for chats on SQLite and MariaDB: streams on the wire, polling, cancel, tool outputs,
and every bad input with its Coze code and nothing half-written."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from bootstrap.settings import Settings
from tests.support.chat_world import WEATHER_TOOL, ChatUser, Client, chat_user, parse_sse

SLOW = "/slow " + " ".join(f"w{i}" for i in range(30))


@pytest.fixture
async def me(anon_client: Client, settings: Settings) -> ChatUser:
    return await chat_user(anon_client, settings, client_tools=[WEATHER_TOOL])


async def poll(me: ChatUser, conversation_id: str, chat_id: str, until: tuple[str, ...]) -> dict[str, Any]:
    for _ in range(200):
        got = await me.post(
            "/v3/chat/retrieve", params={"conversation_id": conversation_id, "chat_id": chat_id}
        )
        if got["data"]["status"] in until:
            return got["data"]  # type: ignore[no-any-return]
        await asyncio.sleep(0.02)
    raise AssertionError(f"chat stayed {got['data']['status']}")


async def test_a_streamed_chat_on_the_wire(me: ChatUser) -> None:
    r = await me.client.post(
        "/v3/chat",
        params={"conversation_id": ""},
        json=me.chat_body("hello brave world", stream=True),
        headers=me.bearer,
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    assert r.headers.get("x-tt-logid")
    body = r.content
    assert body.endswith(b'\n\nevent:done\ndata:"[DONE]"\n\n')
    blocks = body[:-2].split(b"\n\n")
    for block in blocks:  # exactly one event line and one single-line data line, nothing else
        kind, data = block.split(b"\n")
        assert kind.startswith(b"event:") and data.startswith(b"data:")
        json.loads(data[5:])
    events = parse_sse(body)
    assert [e["event"] for e in events] == [
        "conversation.chat.created",
        "conversation.chat.in_progress",
        "conversation.message.delta",
        "conversation.message.delta",
        "conversation.message.delta",
        "conversation.message.completed",
        "conversation.message.completed",
        "conversation.chat.completed",
        "done",
    ]
    chat = events[-2]["data"]
    assert chat["status"] == "completed" and chat["bot_id"] == me.bot
    assert chat["usage"]["output_count"] == 3 and chat["usage"]["token_count"] > 3
    answer, note = events[-4]["data"], events[-3]["data"]
    # Coze's verbose note that the answer is finished, on the stream only.
    assert (note["type"], note["chat_id"]) == ("verbose", chat["id"]) and note["id"] != answer["id"]
    assert json.loads(note["content"])["msg_type"] == "generate_answer_finish"
    assert (answer["role"], answer["type"], answer["content"]) == ("assistant", "answer", "hello brave world")
    assert answer["chat_id"] == chat["id"] and answer["conversation_id"] == chat["conversation_id"]

    # The conversation keeps both messages; the next chat continues it.
    listed = await me.post(
        "/v1/conversation/message/list", {"order": "asc"}, params={"conversation_id": chat["conversation_id"]}
    )
    assert [m["content"] for m in listed["data"]] == ["hello brave world", "hello brave world"]
    again = await me.stream("second", conversation_id=chat["conversation_id"])
    assert again[-2]["data"]["conversation_id"] == chat["conversation_id"]


async def test_line_separators_in_content_stay_on_one_line(me: ChatUser) -> None:
    text = "a\u2028b c\u2029d e\x85f g\nh"
    events = await me.stream(text)
    answer = next(e["data"] for e in events if e["event"] == "conversation.message.completed")
    assert answer["content"] == " ".join(text.split())


async def test_not_streamed_it_is_polled_to_the_end(me: ChatUser) -> None:
    made = await me.post(
        "/v3/chat", me.chat_body("poll me please", stream=False), params={"conversation_id": ""}
    )
    chat = made["data"]
    assert made["code"] == 0 and chat["status"] == "in_progress"
    done = await poll(me, chat["conversation_id"], chat["id"], ("completed",))
    assert done["usage"]["output_count"] == 3 and done["completed_at"] >= done["created_at"]
    by_get = await me.client.get(
        "/v3/chat/retrieve",
        params={"conversation_id": chat["conversation_id"], "chat_id": chat["id"]},
        headers=me.bearer,
    )
    assert by_get.json()["data"]["status"] == "completed"
    for method in ("GET", "POST"):
        listed = await me.client.request(
            method,
            "/v3/chat/message/list",
            params={"conversation_id": chat["conversation_id"], "chat_id": chat["id"]},
            headers=me.bearer,
        )
        assert [(m["type"], m["content"]) for m in listed.json()["data"]] == [("answer", "poll me please")]


async def test_cancel_keeps_the_partial_answer_and_completed_chats_answer_4104(me: ChatUser) -> None:
    made = await me.post("/v3/chat", me.chat_body(SLOW, stream=False), params={"conversation_id": ""})
    chat = made["data"]
    await asyncio.sleep(0.5)
    canceled = await me.post(
        "/v3/chat/cancel", {"conversation_id": chat["conversation_id"], "chat_id": chat["id"]}
    )
    assert canceled["code"] == 0 and canceled["data"]["status"] == "canceled"
    listed = await me.post(
        "/v1/conversation/message/list", {"order": "asc"}, params={"conversation_id": chat["conversation_id"]}
    )
    partial = listed["data"][-1]["content"]
    assert partial.startswith("w0") and len(partial.split()) < 30
    again = await me.post(
        "/v3/chat/cancel", {"conversation_id": chat["conversation_id"], "chat_id": chat["id"]}
    )
    assert again["code"] == 4104
    # The conversation is free again.
    assert (await me.stream("after", conversation_id=chat["conversation_id"]))[-2][
        "event"
    ] == "conversation.chat.completed"


async def test_client_tools_stream_and_not(me: ChatUser) -> None:
    events = await me.stream('weather? /tool get_weather {"city": "Oslo"}')
    assert [e["event"] for e in events][-3:] == [
        "conversation.message.completed",
        "conversation.chat.requires_action",
        "done",
    ]
    chat = events[-2]["data"]
    call = chat["required_action"]["submit_tool_outputs"]["tool_calls"][0]
    assert (
        chat["required_action"]["type"] == "submit_tool_outputs" and call["function"]["name"] == "get_weather"
    )
    where = {"conversation_id": chat["conversation_id"], "chat_id": chat["id"]}
    busy = await me.post(
        "/v3/chat", me.chat_body("meanwhile"), params={"conversation_id": chat["conversation_id"]}
    )
    assert busy["code"] == 4016  # the claim stays while tools are awaited

    wrong = await me.post(
        "/v3/chat/submit_tool_outputs", {"tool_outputs": [{"tool_call_id": "x", "output": "1"}]}, params=where
    )
    assert wrong["code"] == 4000
    missing = await me.post("/v3/chat/submit_tool_outputs", {"tool_outputs": []}, params=where)
    assert missing["code"] == 4000
    r = await me.client.post(
        "/v3/chat/submit_tool_outputs",
        params=where,
        json={"tool_outputs": [{"tool_call_id": call["id"], "output": "sunny 21C"}], "stream": True},
        headers=me.bearer,
    )
    resumed = parse_sse(r.content)
    assert resumed[0]["event"] == "conversation.chat.in_progress"
    assert [e["event"] for e in resumed][-2:] == ["conversation.chat.completed", "done"]
    assert (
        next(e["data"]["content"] for e in resumed if e["event"] == "conversation.message.completed")
        == "sunny 21C"
    )
    late = await me.post(
        "/v3/chat/submit_tool_outputs",
        {"tool_outputs": [{"tool_call_id": call["id"], "output": "x"}]},
        params=where,
    )
    assert late["code"] == 4001

    # Not streamed: the Chat comes back in progress, and finishes.
    made = await me.post(
        "/v3/chat",
        me.chat_body('/tool get_weather {"city": "Rome"}', stream=False),
        params={"conversation_id": ""},
    )
    chat = made["data"]
    waiting = await poll(me, chat["conversation_id"], chat["id"], ("requires_action",))
    call = waiting["required_action"]["submit_tool_outputs"]["tool_calls"][0]
    where = {"conversation_id": chat["conversation_id"], "chat_id": chat["id"]}
    resumed_chat = await me.post(
        "/v3/chat/submit_tool_outputs",
        {"tool_outputs": [{"tool_call_id": call["id"], "output": "rain"}]},
        params=where,
    )
    assert resumed_chat["data"]["status"] == "in_progress"
    await poll(me, chat["conversation_id"], chat["id"], ("completed",))
    written = await me.post("/v3/chat/message/list", params=where)
    assert [m["type"] for m in written["data"]] == ["function_call", "tool_output", "answer"]


async def test_a_model_error_mid_stream_fails_the_chat_and_the_stream_stays_well_formed(me: ChatUser) -> None:
    events = await me.stream("one two three /fail-after 2")
    kinds = [e["event"] for e in events]
    assert kinds.count("conversation.message.delta") == 2
    assert kinds[-2:] == ["conversation.chat.failed", "done"]
    failed = events[-2]["data"]
    assert failed["status"] == "failed" and failed["last_error"]["code"] == 5020
    assert "fail after 2 words" in failed["last_error"]["msg"]
    retrieved = await me.post(
        "/v3/chat/retrieve", params={"conversation_id": failed["conversation_id"], "chat_id": failed["id"]}
    )
    assert retrieved["data"]["last_error"] == failed["last_error"]
    # The failed chat released the conversation.
    assert (await me.stream("next", conversation_id=failed["conversation_id"]))[-2][
        "event"
    ] == "conversation.chat.completed"


async def count_messages(me: ChatUser, conversation_id: str) -> int:
    listed = await me.post(
        "/v1/conversation/message/list", {"limit": 50}, params={"conversation_id": conversation_id}
    )
    return len(listed["data"])


async def test_bad_input_gets_its_code_and_nothing_half_written(
    me: ChatUser, anon_client: Client, settings: Settings
) -> None:
    first = await me.stream("start")
    cid = first[-2]["data"]["conversation_id"]
    before = await count_messages(me, cid)

    async def code(body: dict[str, Any], conversation_id: str = cid) -> int:
        got = await me.post("/v3/chat", body, params={"conversation_id": conversation_id})
        return int(got["code"])

    q = {"role": "user", "content": "hi", "content_type": "text"}
    assert await code(me.chat_body(meta_data={f"k{i}": "v" for i in range(17)})) == 4003
    assert await code({**me.chat_body(), "additional_messages": [q] * 101}) == 4004
    assert await code(me.chat_body("   ")) == 4005  # empty query
    bad_object = {**q, "content": "[{'type': 'text'}]", "content_type": "object_string"}
    assert await code({**me.chat_body(), "additional_messages": [bad_object]}) == 4005
    assert await code({**me.chat_body(), "additional_messages": [{**q, "role": "system"}]}) == 4005
    assert await code({**me.chat_body(), "additional_messages": [q, {**q, "role": "assistant"}]}) == 4005
    assert await code(me.chat_body(bot_id="123456789")) == 4006
    assert await code(me.chat_body(bot_id="not-an-id")) == 4006
    assert await code(me.chat_body(stream=False, auto_save_history=False)) == 4007
    assert await code(me.chat_body(user_id=None)) == 4000
    assert await code(me.chat_body(custom_variables={"a": 1})) == 4000
    assert await code(me.chat_body(unknown_field=1)) == 4000
    assert await code(me.chat_body(), conversation_id="123456789") == 4200
    assert await code(me.chat_body(), conversation_id="abc") == 4000

    unpublished = await me.new_bot(publish=False)
    assert await code(me.chat_body(bot_id=unpublished), conversation_id="") == 4015
    assert await code(me.chat_body(bot_id=unpublished)) == 4015
    other_bot = await me.new_bot()
    assert await code(me.chat_body(bot_id=other_bot)) == 4002  # the conversation is the first bot's

    stranger = await chat_user(anon_client, settings)
    assert (await stranger.post("/v3/chat", stranger.chat_body(), params={"conversation_id": cid}))[
        "code"
    ] == 4200
    foreign_bot = await stranger.post(
        "/v3/chat", {**stranger.chat_body(), "bot_id": me.bot}, params={"conversation_id": ""}
    )
    assert foreign_bot["code"] == 4006  # another user's bot in another space: as if unknown
    assert (
        await stranger.post(
            "/v3/chat/retrieve", params={"conversation_id": cid, "chat_id": first[-2]["data"]["id"]}
        )
    )["code"] == 4200
    assert (await me.post("/v3/chat/retrieve", params={"conversation_id": cid, "chat_id": "42"}))[
        "code"
    ] == 4200

    slow = await me.post("/v3/chat", me.chat_body(SLOW, stream=False), params={"conversation_id": cid})
    assert (await code(me.chat_body())) == 4016
    await me.post("/v3/chat/cancel", {"conversation_id": cid, "chat_id": slow["data"]["id"]})
    # Every refused request left the conversation as it was; only the slow chat's two messages came.
    assert await count_messages(me, cid) == before + 2


async def test_tokens_need_the_chat_scope(me: ChatUser) -> None:
    made = await me.client.post(
        "/api/permission_api/pat/create_personal_access_token_and_permission",
        json={"name": "read only", "duration_day": "1", "scopes": ["bot:read"]},
    )
    bearer = {"authorization": f"Bearer {made.json()['data']['token']}"}
    r = await me.client.post("/v3/chat", json=me.chat_body(), headers=bearer, params={"conversation_id": ""})
    assert r.json()["code"] == 4101
