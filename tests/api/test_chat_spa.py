"""The SPA's chat (session cookie, the agent's draft) on SQLite and MariaDB: Coze Studio's events,
regenerate and edit as branches, resume from a seq id, break_message, and bad input."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from bootstrap.settings import Settings
from tests.support.chat_world import ChatUser, Client, chat_user, in_app_loop, parse_sse
from tests.support.identity import sign_in

SLOW = "/slow " + " ".join(f"w{i}" for i in range(30))


@pytest.fixture
async def me(anon_client: Client, settings: Settings) -> ChatUser:
    return await chat_user(anon_client, settings, publish=False)  # the playground needs no publish


async def spa_chat(me: ChatUser, **body: Any) -> list[dict[str, Any]]:
    r = await me.client.post("/api/conversation/chat", json={"bot_id": me.bot, "draft_mode": True, **body})
    assert r.headers["content-type"].startswith("text/event-stream"), r.text
    return parse_sse(r.content)


def answer_of(events: list[dict[str, Any]]) -> dict[str, Any]:
    return next(
        e["data"]["message"]
        for e in events
        if e["event"] == "message" and e["data"]["is_finish"] and e["data"]["message"]["type"] == "answer"
    )


async def history(me: ChatUser, conversation_id: str) -> list[dict[str, Any]]:
    got = await me.client.post(
        "/api/conversation/get_message_list",
        json={"conversation_id": conversation_id, "count": 50, "cursor": "0"},
    )
    return list(got.json()["message_list"])


async def test_a_playground_turn_in_coze_studio_events(me: ChatUser) -> None:
    events = await spa_chat(me, query="hello playground", content_type="text", local_message_id="local-1")
    kinds = [e["event"] for e in events]
    assert kinds[0] == "message" and kinds[-1] == "done"
    ack = events[0]["data"]
    assert ack["message"]["type"] == "ack" and ack["message"]["extra_info"]["local_message_id"] == "local-1"
    question_id = ack["message"]["message_id"]
    deltas = [e["data"] for e in events if e["event"] == "message" and not e["data"]["is_finish"]]
    assert "".join(d["message"]["content"] for d in deltas) == "hello playground"
    assert all(d["message"]["reply_id"] == question_id for d in deltas)
    seqs = [e["data"]["seq_id"] for e in events if e["event"] == "message"]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    answer = answer_of(events)
    assert answer["content"] == "hello playground" and answer["role"] == "assistant"
    done = events[-1]["data"]
    assert done["status"] == "completed" and done["usage"]["output_count"] == 2
    # The playground conversation is the one get_message_list shows.
    listed = await history(me, ack["conversation_id"])
    assert [m["content"] for m in listed] == ["hello playground", "hello playground"]


async def test_regenerate_and_edit_make_branches(me: ChatUser) -> None:
    first = await spa_chat(me, query="alpha")
    cid = first[0]["data"]["conversation_id"]
    second = await spa_chat(me, query="beta", conversation_id=cid)
    beta_question = second[0]["data"]["message"]["message_id"]
    beta_answer = answer_of(second)["message_id"]

    regen = await spa_chat(me, query="beta", conversation_id=cid, regen_message_id=beta_answer)
    again = answer_of(regen)
    assert again["message_id"] != beta_answer and again["reply_id"] == beta_question
    assert again["content"] == "beta"

    edited = await spa_chat(me, query="gamma", conversation_id=cid, edit_message_id=beta_question)
    assert answer_of(edited)["content"] == "gamma"
    contents = [m["content"] for m in await history(me, cid)]
    assert contents.count("beta") == 3 and contents.count("gamma") == 2  # every branch is kept
    parents = {m["message_id"]: m["parent_id"] for m in await history(me, cid)}
    gamma_question = edited[0]["data"]["message"]["message_id"]
    assert parents[gamma_question] == parents[beta_question] != ""  # the edit is the question's sibling
    assert parents[again["message_id"]] == parents[beta_answer] == beta_question

    bad = await me.client.post(
        "/api/conversation/chat",
        json={"bot_id": me.bot, "conversation_id": cid, "query": "", "regen_message_id": "42"},
    )
    assert bad.json()["code"] == 4200


async def test_resume_from_a_seq_id_gets_the_rest_of_the_answer(me: ChatUser) -> None:
    """A client that saw only the start reads the rest from its last seq id (the test client
    buffers responses; dropping a live connection is tested across processes in integration)."""
    seen: list[str] = []
    async with me.client.stream(
        "POST", "/api/conversation/chat", json={"bot_id": me.bot, "query": SLOW}
    ) as r:
        async for line in r.aiter_lines():
            seen.append(line)
            if len([ln for ln in seen if ln.startswith("data:")]) == 4:
                break  # ack + 3 deltas, then hang up
    first = parse_sse("\n".join(seen).encode())
    last = first[-1]["data"]
    question_id = first[0]["data"]["message"]["message_id"]
    r = await me.client.post(
        "/api/conversation/chat/resume",
        json={
            "conversation_id": last["conversation_id"],
            "message_id": question_id,
            "seq_id": last["seq_id"],
        },
    )
    rest = parse_sse(r.content)
    assert rest[0]["data"]["seq_id"] > last["seq_id"] and rest[-1]["data"]["status"] == "completed"
    words = [
        e["data"]["message"]["content"]
        for e in first[1:] + rest
        if e["event"] == "message" and not e["data"]["is_finish"]
    ]
    assert "".join(words).split() == [f"w{i}" for i in range(30)]

    everything = await me.client.post(
        "/api/conversation/chat/resume",
        json={
            "conversation_id": last["conversation_id"],
            "chat_id": first[0]["data"]["message"]["extra_info"]["chat_id"],
        },
    )
    assert answer_of(parse_sse(everything.content))["content"].split() == [f"w{i}" for i in range(30)]


async def test_break_message_stops_the_answer(me: ChatUser) -> None:
    async def chat_and_break(c: httpx.AsyncClient) -> tuple[list[dict[str, Any]], dict[str, Any], str]:
        # Like the SPA: the history first (it opens the playground conversation), then the chat.
        listing = {"bot_id": me.bot, "cursor": "0"}
        cid = (await c.post("/api/conversation/get_message_list", json=listing)).json()["conversation_id"]
        chat = {"bot_id": me.bot, "conversation_id": cid, "query": SLOW}
        running = asyncio.create_task(c.post("/api/conversation/chat", json=chat))
        question = None
        for _ in range(500):
            got = (await c.post("/api/conversation/get_message_list", json=listing)).json()
            question = next((m for m in got["message_list"] if m["role"] == "user"), None)
            if question is not None:
                break
            await asyncio.sleep(0.02)
        assert question is not None, got
        await asyncio.sleep(0.5)
        body = {"conversation_id": cid, "query_message_id": question["message_id"]}
        stop = (await c.post("/api/conversation/break_message", json=body)).json()
        return parse_sse((await running).content), stop, cid

    events, stop, cid = in_app_loop(me.client, chat_and_break)
    assert stop["code"] == 0
    assert events[-1]["data"]["status"] == "canceled"
    partial = next(m for m in await history(me, cid) if m["role"] == "assistant")
    assert partial["status"] == "broken" and 0 < len(partial["content"].split()) < 30
    question = next(m for m in await history(me, cid) if m["role"] == "user")
    again = await me.client.post(
        "/api/conversation/break_message",
        json={"conversation_id": cid, "query_message_id": question["message_id"]},
    )
    assert again.json()["code"] == 0  # already stopped: nothing to do


async def test_spa_bad_input(me: ChatUser, anon_client: Client, settings: Settings) -> None:
    async def code(body: dict[str, Any]) -> int:
        r = await me.client.post("/api/conversation/chat", json=body)
        return int(r.json()["code"])

    first = await spa_chat(me, query="mine")
    cid = first[0]["data"]["conversation_id"]
    assert await code({"bot_id": me.bot, "query": "  "}) == 4005
    assert await code({"bot_id": me.bot, "query": "x", "content_type": "image"}) == 4005
    assert await code({"bot_id": "123456789", "query": "x"}) == 4006
    assert await code({"query": "x"}) == 4000  # bot_id is required
    assert await code({"bot_id": me.bot, "query": "x", "surprise": 1}) == 4000
    stranger = await chat_user(anon_client, settings, publish=False)
    await sign_in(stranger.client, stranger.email)
    foreign = await stranger.client.post(
        "/api/conversation/chat", json={"bot_id": stranger.bot, "query": "x", "conversation_id": cid}
    )
    assert foreign.json()["code"] == 4200
    foreign_bot = await stranger.client.post("/api/conversation/chat", json={"bot_id": me.bot, "query": "x"})
    assert foreign_bot.json()["code"] == 4006
    resume = await stranger.client.post(
        "/api/conversation/chat/resume",
        json={"conversation_id": cid, "message_id": first[0]["data"]["message"]["message_id"]},
    )
    assert resume.json()["code"] == 4200


async def test_the_history_carries_each_answers_token_counts(me: ChatUser) -> None:
    events = await spa_chat(me, query="count my tokens")
    done = events[-1]["data"]
    listed = {m["message_id"]: m for m in await history(me, done["conversation_id"])}
    extra = listed[answer_of(events)["message_id"]]["extra_info"]
    usage = done["usage"]
    assert int(extra["input_tokens"]) == usage["input_count"] > 0
    assert int(extra["output_tokens"]) == usage["output_count"] > 0
    assert int(extra["token"]) == usage["token_count"]
