"""The SPA's conversation routes (session cookie, Coze Studio paths and top-level shapes)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bootstrap.settings import Settings
from tests.support.conversation_world import ConversationWorld, conversation_world

LIST = "/api/conversation/get_message_list"


@pytest.fixture
async def w(settings: Settings) -> AsyncIterator[ConversationWorld]:
    async with conversation_world(settings) as world:
        await world.as_user(world.alice)
        yield world


async def spa(w: ConversationWorld, path: str, body: dict[str, Any]) -> dict[str, Any]:
    r = await w.client.post(path, json=body)
    got: dict[str, Any] = r.json()
    assert (r.status_code == 200) == (got["code"] == 0), r.text
    return got


async def add(w: ConversationWorld, cid: str, content: str, role: str = "user") -> str:
    r = await w.client.post(
        "/v1/conversation/message/create",
        headers=w.alice.bearer,
        params={"conversation_id": cid},
        json={"role": role, "content": content, "content_type": "text"},
    )
    assert r.json()["code"] == 0, r.text
    return str(r.json()["data"]["id"])


async def test_playground_conversation_is_created_once_and_pages_both_ways(w: ConversationWorld) -> None:
    bot = str(w.alice.agent_id)
    first = await spa(w, LIST, {"bot_id": bot, "cursor": "0", "count": 5, "draft_mode": True, "scene": 3})
    assert first["code"] == 0 and first["message_list"] == [] and first["hasmore"] is False
    cid = first["conversation_id"]
    again = await spa(w, LIST, {"bot_id": bot, "cursor": "0", "count": 5})
    assert again["conversation_id"] == cid and again["last_section_id"] == first["last_section_id"]

    ids = [await add(w, cid, f"m{i}", "user" if i % 2 == 0 else "assistant") for i in range(7)]
    newest = await spa(w, LIST, {"bot_id": bot, "cursor": "0", "count": 3})
    assert [m["message_id"] for m in newest["message_list"]] == ids[-3:][::-1]
    assert newest["hasmore"] is True and newest["next_has_more"] is False
    assert newest["cursor"] == ids[-3] and newest["next_cursor"] == ids[-1]
    answer = newest["message_list"][1]
    assert answer["role"] == "assistant" and answer["reply_id"] == ids[-3] and answer["status"] == "available"
    assert isinstance(answer["content_time"], int) and answer["section_id"] == first["last_section_id"]
    assert answer["extra_info"] == {"input_tokens": "0", "output_tokens": "0", "token": "0"}

    # Older pages by `cursor` until hasmore is false: every message once, newest first.
    seen, cursor, more = [], "0", True
    while more:
        page = await spa(w, LIST, {"conversation_id": cid, "bot_id": bot, "cursor": cursor, "count": 2})
        seen += [m["message_id"] for m in page["message_list"]]
        cursor, more = page["cursor"], page["hasmore"]
        assert len(seen) <= len(ids)
    assert seen == ids[::-1]

    # Newer pages from an old cursor (load_direction 2).
    newer = await spa(w, LIST, {"conversation_id": cid, "cursor": ids[1], "count": 2, "load_direction": 2})
    assert [m["message_id"] for m in newer["message_list"]] == [ids[3], ids[2]]
    assert newer["next_has_more"] is True and newer["hasmore"] is True
    last = await spa(w, LIST, {"conversation_id": cid, "cursor": ids[4], "count": 5, "load_direction": 2})
    assert [m["message_id"] for m in last["message_list"]] == [ids[6], ids[5]] and last[
        "next_has_more"
    ] is False


async def test_delete_message_create_section_and_clear_history(w: ConversationWorld) -> None:
    bot = str(w.alice.agent_id)
    cid = (await spa(w, LIST, {"bot_id": bot, "cursor": "0", "count": 5}))["conversation_id"]
    ids = [await add(w, cid, f"m{i}") for i in range(3)]

    assert (
        await spa(w, "/api/conversation/delete_message", {"conversation_id": cid, "message_id": ids[1]})
    ) == {
        "code": 0,
        "msg": "",
    }
    listed = await spa(w, LIST, {"bot_id": bot, "conversation_id": cid, "cursor": "0", "count": 10})
    assert [m["message_id"] for m in listed["message_list"]] == [ids[2], ids[0]]

    section = await spa(w, "/api/conversation/create_section", {"conversation_id": cid, "scene": 3})
    assert section["code"] == 0 and section["new_section_id"] != listed["last_section_id"]
    listed = await spa(w, LIST, {"bot_id": bot, "cursor": "0", "count": 10})
    assert listed["last_section_id"] == section["new_section_id"] and len(listed["message_list"]) == 2

    cleared = await spa(w, "/api/conversation/clear_message", {"conversation_id": cid, "bot_id": bot})
    assert cleared["code"] == 0 and cleared["conversation_id"] != cid
    fresh = await spa(w, LIST, {"bot_id": bot, "cursor": "0", "count": 10})
    assert fresh["conversation_id"] == cleared["conversation_id"] and fresh["message_list"] == []
    assert fresh["last_section_id"] == cleared["new_section_id"]
    gone = await spa(w, LIST, {"bot_id": bot, "conversation_id": cid, "cursor": "0", "count": 10})
    assert gone["code"] == 4200


async def test_bad_input_and_other_users(w: ConversationWorld) -> None:
    bot = str(w.alice.agent_id)
    cid = (await spa(w, LIST, {"bot_id": bot, "cursor": "0", "count": 5}))["conversation_id"]
    token_conversation = (
        await w.client.post("/v1/conversation/create", headers=w.alice.bearer, json={"bot_id": bot})
    ).json()["data"]["id"]
    cases: list[tuple[str, dict[str, Any], int]] = [
        (LIST, {"bot_id": bot, "cursor": "0", "count": 0}, 4000),
        (LIST, {"bot_id": bot, "cursor": "0", "count": 101}, 4000),
        (LIST, {"bot_id": bot, "cursor": "abc", "count": 5}, 4000),
        (LIST, {"bot_id": bot, "cursor": "0", "count": "five"}, 4000),
        (LIST, {"cursor": "0", "count": 5}, 4002),
        (LIST, {"bot_id": "123", "cursor": "0", "count": 5}, 4006),
        (LIST, {"bot_id": str(w.bob.agent_id), "cursor": "0", "count": 5}, 4006),
        (LIST, {"bot_id": str(w.bob.agent_id), "conversation_id": cid, "cursor": "0", "count": 5}, 4002),
        # Required fields left out: invalid parameters (4000), as idl/ declares them required.
        ("/api/conversation/delete_message", {"conversation_id": cid}, 4000),
        ("/api/conversation/delete_message", {"conversation_id": cid, "message_id": "77"}, 4200),
        ("/api/conversation/delete_message", {"message_id": "77"}, 4000),
        ("/api/conversation/create_section", {}, 4000),
        ("/api/conversation/clear_message", {"conversation_id": token_conversation, "bot_id": bot}, 4002),
        ("/api/conversation/clear_message", {"conversation_id": cid, "bot_id": "5"}, 4002),
    ]
    for path, body, code in cases:
        assert (await spa(w, path, body))["code"] == code, (path, body)

    await w.as_user(w.bob)
    for path, body in [
        (LIST, {"conversation_id": cid, "cursor": "0", "count": 5}),
        ("/api/conversation/delete_message", {"conversation_id": cid, "message_id": "1"}),
        ("/api/conversation/create_section", {"conversation_id": cid}),
        ("/api/conversation/clear_message", {"conversation_id": cid, "bot_id": bot}),
    ]:
        r = await w.client.post(path, json=body)
        assert (r.status_code, r.json()["code"]) == (404, 4200), (path, r.text)
    await w.as_user(w.alice)
    still = await spa(w, LIST, {"bot_id": bot, "cursor": "0", "count": 5})
    assert still["conversation_id"] == cid
