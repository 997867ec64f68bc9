"""Token API for conversations and their messages, in cozepy 0.20.0's shapes, with every kind of
bad input and other users' ids (cozepy itself drives these routes in the e2e suite)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bootstrap.settings import Settings
from tests.support.conversation_world import ConversationWorld, Person, conversation_world

CREATE = "/v1/conversation/create"
MESSAGES = "/v1/conversation/message"


@pytest.fixture
async def w(settings: Settings) -> AsyncIterator[ConversationWorld]:
    async with conversation_world(settings) as world:
        yield world


async def call(w: ConversationWorld, who: Person, method: str, url: str, **kw: Any) -> dict[str, Any]:
    r = await w.client.request(method, url, headers=who.bearer, **kw)
    body: dict[str, Any] = r.json()
    if body["code"] == 0:
        assert r.status_code == 200, r.text
    return body


async def create(w: ConversationWorld, who: Person, **body: Any) -> dict[str, Any]:
    got = await call(w, who, "POST", CREATE, json=body)
    assert got["code"] == 0, got
    return dict(got["data"])


async def add_message(
    w: ConversationWorld, who: Person, cid: str, content: str = "hi", **body: Any
) -> dict[str, Any]:
    got = await call(
        w,
        who,
        "POST",
        f"{MESSAGES}/create",
        params={"conversation_id": cid},
        json={"role": "user", "content": content, "content_type": "text", "meta_data": None, **body},
    )
    assert got["code"] == 0, got
    return dict(got["data"])


async def test_create_retrieve_update_clear_delete(w: ConversationWorld) -> None:
    a = w.alice
    made = await create(
        w,
        a,
        bot_id=str(a.agent_id),
        name="trip",
        meta_data={"uid": "42"},
        messages=[
            {"role": "user", "content": "hello", "content_type": "text", "id": None, "meta_data": None},
            {"role": "assistant", "content": "hi there", "content_type": "text", "type": "answer"},
        ],
    )
    assert isinstance(made["id"], str) and isinstance(made["created_at"], int)
    assert made["meta_data"] == {"uid": "42"} and made["name"] == "trip"
    assert isinstance(made["last_section_id"], str) and made["connector_id"] == "1024"
    assert made["creator_id"] == str(a.id)

    got = await call(w, a, "GET", "/v1/conversation/retrieve", params={"conversation_id": made["id"]})
    assert got["data"] == made

    listed = await call(w, a, "POST", f"{MESSAGES}/list", params={"conversation_id": made["id"]}, json={})
    assert [(m["role"], m["content"], m["bot_id"]) for m in listed["data"]] == [
        ("assistant", "hi there", str(a.agent_id)),
        ("user", "hello", ""),
    ]
    assert listed["data"][1]["type"] == "" and listed["data"][0]["type"] == "answer"

    renamed = await call(w, a, "PUT", f"/v1/conversations/{made['id']}", json={"name": "renamed"})
    assert renamed["data"]["name"] == "renamed"

    section = await call(w, a, "POST", f"/v1/conversations/{made['id']}/clear")
    assert (
        section["data"]["conversation_id"] == made["id"] and section["data"]["id"] != made["last_section_id"]
    )
    got = await call(w, a, "GET", "/v1/conversation/retrieve", params={"conversation_id": made["id"]})
    assert got["data"]["last_section_id"] == section["data"]["id"]

    gone = await call(w, a, "DELETE", f"/v1/conversations/{made['id']}")
    assert gone == {"code": 0, "msg": "", "data": {}}
    for method, url, kw in [
        ("GET", "/v1/conversation/retrieve", {"params": {"conversation_id": made["id"]}}),
        ("POST", f"{MESSAGES}/list", {"params": {"conversation_id": made["id"]}, "json": {}}),
        ("DELETE", f"/v1/conversations/{made['id']}", {}),
    ]:
        assert (await call(w, a, method, url, **kw))["code"] == 4200


async def test_create_without_bot_and_list_per_bot(w: ConversationWorld) -> None:
    a, b = w.alice, w.bob
    bare = await create(w, a)
    assert bare["meta_data"] == {} and bare["name"] == ""
    ids = [(await create(w, a, bot_id=a.agent_id))["id"] for _ in range(5)]
    await create(w, a, bot_id=a.agent_id, connector_id="999")  # another connector
    pages: list[list[str]] = []
    more = True
    while more:
        got = await call(
            w,
            a,
            "GET",
            "/v1/conversations",
            params={"bot_id": str(a.agent_id), "page_num": len(pages) + 1, "page_size": 2},
        )
        assert got["code"] == 0, got
        pages.append([c["id"] for c in got["data"]["conversations"]])
        more = got["data"]["has_more"]
    assert [c for page in pages for c in page] == ids[::-1] and [len(p) for p in pages] == [2, 2, 1]
    sdk = await call(w, a, "GET", "/v1/conversations", params={"bot_id": a.agent_id, "connector_id": "999"})
    assert len(sdk["data"]["conversations"]) == 1

    # Bob sees none of them, and may not list with Alice's bot at all.
    assert (await call(w, b, "GET", "/v1/conversations", params={"bot_id": a.agent_id}))["code"] == 4006
    empty = await call(w, b, "GET", "/v1/conversations", params={"bot_id": b.agent_id})
    assert empty["data"] == {"conversations": [], "has_more": False}
    for params in ({"bot_id": ""}, {}):
        assert (await call(w, a, "GET", "/v1/conversations", params=params))["code"] == 4006
    bad = await call(w, a, "GET", "/v1/conversations", params={"bot_id": a.agent_id, "page_num": "x"})
    assert bad["code"] == 4000


async def test_bad_input_answers_coze_codes(w: ConversationWorld) -> None:
    a = w.alice
    cases: list[tuple[dict[str, Any], int]] = [
        ({"meta_data": {f"k{i}": "v" for i in range(17)}}, 4003),
        ({"meta_data": {"k": "v" * 513}}, 4003),
        ({"meta_data": {"k" * 65: "v"}}, 4003),
        ({"meta_data": {"k": 1}}, 4003),
        ({"meta_data": "not an object"}, 4003),
        ({"messages": [{"role": "user", "content": "x", "content_type": "text"}] * 101}, 4004),
        ({"messages": [{"role": "user", "content": "", "content_type": "text"}]}, 4005),
        ({"messages": [{"role": "user", "content": "   ", "content_type": "text"}]}, 4005),
        ({"messages": [{"role": "system", "content": "x", "content_type": "text"}]}, 4005),
        ({"messages": [{"role": "user", "content": "x", "content_type": "card"}]}, 4005),
        ({"messages": [{"role": "user", "content": 5, "content_type": "text"}]}, 4005),
        ({"messages": [{"role": "user", "content": "x", "type": "answer"}]}, 4005),
        ({"messages": [{"role": "user", "content": "x" * 100_001}]}, 4005),
        ({"messages": [{"role": "user", "content": "[{", "content_type": "object_string"}]}, 4005),
        ({"messages": [{"role": "user", "content": "[]", "content_type": "object_string"}]}, 4005),
        (
            {
                "messages": [
                    {"role": "user", "content": '[{"type":"video"}]', "content_type": "object_string"}
                ]
            },
            4005,
        ),
        (
            {
                "messages": [
                    {"role": "user", "content": '[{"type":"image"}]', "content_type": "object_string"}
                ]
            },
            4005,
        ),
        (
            {
                "messages": [
                    {
                        "role": "user",
                        "content": '[{"type":"image","file_id":"999"}]',
                        "content_type": "object_string",
                    }
                ]
            },
            4005,
        ),
        ({"messages": "nope"}, 4000),
        ({"bot_id": "123456789"}, 4006),
        ({"bot_id": str(w.bob.agent_id)}, 4006),
        ({"bot_id": "abc"}, 4000),
        ({"connector_id": "7"}, 4002),
        ({"name": "n" * 101}, 4002),
        ({"name": 5}, 4000),
    ]
    for body, code in cases:
        got = await call(w, a, "POST", CREATE, json=body)
        assert got["code"] == code, (body, got)
    r = await w.client.post(CREATE, headers=a.bearer, json={"bot_id": str(w.bob.agent_id)})
    assert r.status_code == 404  # another space's bot: like any foreign id
    # Nothing half-written: none of the refused creations left a conversation behind.
    listed = await call(w, a, "GET", "/v1/conversations", params={"bot_id": a.agent_id})
    assert listed["data"]["conversations"] == []


async def test_object_string_files_must_be_the_callers(w: ConversationWorld) -> None:
    a, b = w.alice, w.bob
    w.files.add(501, a.id)
    w.files.add(502, b.id)
    mine = json.dumps([{"type": "text", "text": "look"}, {"type": "image", "file_id": "501"}])
    theirs = json.dumps([{"type": "image", "file_id": "502"}])
    by_url = json.dumps([{"type": "file", "file_url": "https://example.com/a.pdf"}])
    made = await create(w, a, messages=[{"role": "user", "content": mine, "content_type": "object_string"}])
    added = await add_message(w, a, made["id"], by_url, content_type="object_string")
    assert added["content_type"] == "object_string" and added["content"] == by_url
    refused = await call(
        w,
        a,
        "POST",
        f"{MESSAGES}/create",
        params={"conversation_id": made["id"]},
        json={"role": "user", "content": theirs, "content_type": "object_string"},
    )
    assert refused["code"] == 4005


async def test_token_scope_and_space_binding(w: ConversationWorld) -> None:
    a = w.alice
    made = await create(w, a, bot_id=a.agent_id)
    reader = Person(a.id, a.email, a.space_id, await w.token(a, scopes=["user:read"]), a.agent_id)
    chatter = Person(a.id, a.email, a.space_id, await w.token(a, scopes=["chat"]), a.agent_id)
    assert (await call(w, reader, "POST", CREATE, json={}))["code"] == 4101
    assert (
        await call(w, reader, "GET", "/v1/conversation/retrieve", params={"conversation_id": made["id"]})
    )["code"] == 4101
    assert (
        await call(w, chatter, "GET", "/v1/conversation/retrieve", params={"conversation_id": made["id"]})
    )["code"] == 0

    await w.as_user(a)
    team = (await w.client.post("/api/playground_api/space/save", json={"name": "Team"})).json()["data"]["id"]
    bound = Person(a.id, a.email, int(team), await w.token(a, space_id=team), w.new_agent(int(team), a))
    # A token bound to the team space sees neither the personal space's conversations nor its bots.
    assert (await call(w, bound, "GET", "/v1/conversation/retrieve", params={"conversation_id": made["id"]}))[
        "code"
    ] == 4200
    assert (await call(w, bound, "POST", CREATE, json={"bot_id": a.agent_id}))["code"] == 4006
    in_team = await create(w, bound, bot_id=bound.agent_id)
    no_bot = await create(w, bound)
    for cid in (in_team["id"], no_bot["id"]):
        assert (await call(w, bound, "GET", "/v1/conversation/retrieve", params={"conversation_id": cid}))[
            "code"
        ] == 0
        # The unbound token of the same user sees everything the user owns.
        assert (await call(w, a, "GET", "/v1/conversation/retrieve", params={"conversation_id": cid}))[
            "code"
        ] == 0


async def test_losing_the_agents_space_hides_its_conversations(w: ConversationWorld) -> None:
    a, b = w.alice, w.bob
    await w.as_user(b)
    team = (await w.client.post("/api/playground_api/space/save", json={"name": "Bob's"})).json()["data"][
        "id"
    ]
    added = await w.client.post("/api/space/member/add", json={"space_id": team, "user_id": str(a.id)})
    assert added.status_code == 200, added.text
    agent = w.new_agent(int(team), b)
    made = await create(w, a, bot_id=agent)
    assert (await call(w, a, "GET", "/v1/conversation/retrieve", params={"conversation_id": made["id"]}))[
        "code"
    ] == 0
    # Bob may not read Alice's conversation with his own agent.
    assert (await call(w, b, "GET", "/v1/conversation/retrieve", params={"conversation_id": made["id"]}))[
        "code"
    ] == 4200
    await w.as_user(b)
    removed = await w.client.post("/api/space/member/remove", json={"space_id": team, "user_id": str(a.id)})
    assert removed.status_code == 200, removed.text
    assert (await call(w, a, "GET", "/v1/conversation/retrieve", params={"conversation_id": made["id"]}))[
        "code"
    ] == 4200


async def test_other_users_conversation_is_not_found_everywhere(w: ConversationWorld) -> None:
    a, b = w.alice, w.bob
    made = await create(w, a, bot_id=a.agent_id)
    msg = await add_message(w, a, made["id"])
    cid, mid = made["id"], msg["id"]
    probes: list[tuple[str, str, dict[str, Any]]] = [
        ("GET", "/v1/conversation/retrieve", {"params": {"conversation_id": cid}}),
        ("POST", f"/v1/conversations/{cid}/clear", {}),
        ("PUT", f"/v1/conversations/{cid}", {"json": {"name": "x"}}),
        ("DELETE", f"/v1/conversations/{cid}", {}),
        (
            "POST",
            f"{MESSAGES}/create",
            {"params": {"conversation_id": cid}, "json": {"role": "user", "content": ""}},
        ),
        ("POST", f"{MESSAGES}/list", {"params": {"conversation_id": cid}, "json": {}}),
        ("GET", f"{MESSAGES}/retrieve", {"params": {"conversation_id": cid, "message_id": mid}}),
        (
            "POST",
            f"{MESSAGES}/modify",
            {"params": {"conversation_id": cid, "message_id": mid}, "json": {"content": "x"}},
        ),
        ("POST", f"{MESSAGES}/delete", {"params": {"conversation_id": cid, "message_id": mid}}),
    ]
    for method, url, kw in probes:
        r = await w.client.request(method, url, headers=b.bearer, **kw)
        assert (r.status_code, r.json()["code"]) == (404, 4200), (method, url, r.text)
    # ... and nothing changed for Alice.
    got = await call(w, a, "GET", f"{MESSAGES}/retrieve", params={"conversation_id": cid, "message_id": mid})
    assert got["data"]["content"] == "hi"

    # A message id of one conversation does not work through another of the same user.
    other = await create(w, a)
    wrong = await call(
        w, a, "GET", f"{MESSAGES}/retrieve", params={"conversation_id": other["id"], "message_id": mid}
    )
    assert wrong["code"] == 4200


async def test_messages_create_retrieve_modify_delete(w: ConversationWorld) -> None:
    a = w.alice
    made = await create(w, a)
    cid = made["id"]
    msg = await add_message(w, a, cid, "first", meta_data={"a": "1"})
    assert msg["conversation_id"] == cid and msg["chat_id"] == "" and msg["meta_data"] == {"a": "1"}
    assert isinstance(msg["created_at"], int) and msg["section_id"] == made["last_section_id"]
    ids = {"conversation_id": cid, "message_id": msg["id"]}

    got = await call(w, a, "GET", f"{MESSAGES}/retrieve", params=ids)
    assert got["data"] == msg

    changed = await call(
        w,
        a,
        "POST",
        f"{MESSAGES}/modify",
        params=ids,
        json={"content": "edited", "content_type": None, "meta_data": None},
    )
    assert "data" not in changed or changed.get("data") is None
    assert changed["message"]["content"] == "edited" and changed["message"]["meta_data"] == {"a": "1"}
    obj = json.dumps([{"type": "text", "text": "now rich"}])
    changed = await call(
        w,
        a,
        "POST",
        f"{MESSAGES}/modify",
        params=ids,
        json={"content": obj, "content_type": "object_string", "meta_data": {}},
    )
    assert changed["message"]["content_type"] == "object_string" and changed["message"]["meta_data"] == {}
    for body, code in [
        ({"content": ""}, 4005),
        ({"content": 7}, 4005),
        ({"content_type": "text", "content": "[oops"}, 0),  # plain text may look like anything
        ({"content_type": "object_string"}, 4005),  # "[oops" is not an object_string
        ({"content_type": "card", "content": "x"}, 4005),
        ({"meta_data": {str(i): "v" for i in range(17)}}, 4003),
    ]:
        got = await call(w, a, "POST", f"{MESSAGES}/modify", params=ids, json=body)
        assert got["code"] == code, (body, got)

    deleted = await call(w, a, "POST", f"{MESSAGES}/delete", params=ids)
    assert deleted["data"]["id"] == msg["id"] and deleted["data"]["content"] == "[oops"
    for method, url in (("GET", "retrieve"), ("POST", "delete"), ("POST", "modify")):
        got = await call(
            w,
            a,
            method,
            f"{MESSAGES}/{url}",
            params=ids,
            **({"json": {"content": "x"}} if url == "modify" else {}),
        )
        assert got["code"] == 4200, (url, got)


async def test_message_ids_and_cozepy_quirks(w: ConversationWorld) -> None:
    a = w.alice
    cid = (await create(w, a))["id"]
    msg = await add_message(w, a, cid)
    for params, code in [
        ({"conversation_id": ""}, 4002),  # cozepy sends None as ""
        ({}, 4002),
        ({"conversation_id": "abc"}, 4000),
        ({"conversation_id": "99999999999999999999"}, 4000),
        ({"conversation_id": "123"}, 4200),
    ]:
        got = await call(w, a, "GET", "/v1/conversation/retrieve", params=params)
        assert got["code"] == code, (params, got)
    for params, code in [
        ({"conversation_id": cid, "message_id": ""}, 4005),
        ({"conversation_id": cid}, 4005),
        ({"conversation_id": cid, "message_id": "x"}, 4000),
        ({"conversation_id": cid, "message_id": "1"}, 4200),
    ]:
        got = await call(w, a, "GET", f"{MESSAGES}/retrieve", params=params)
        assert got["code"] == code, (params, got)
    for body, code in [
        ({"order": "sideways"}, 4000),
        ({"limit": 0}, 4000),
        ({"limit": 51}, 4000),
        ({"limit": "ten"}, 4000),
        ({"after_id": "x"}, 4000),
        ({"order": None, "chat_id": None, "before_id": None, "after_id": None, "limit": None}, 0),
        ({"order": "asc", "chat_id": "", "before_id": "", "after_id": ""}, 0),
    ]:
        got = await call(w, a, "POST", f"{MESSAGES}/list", params={"conversation_id": cid}, json=body)
        assert got["code"] == code, (body, got)
        if code == 0:
            assert [m["id"] for m in got["data"]] == [msg["id"]]
            assert got["first_id"] == got["last_id"] == msg["id"] and got["has_more"] is False
    r = await w.client.post(
        f"{MESSAGES}/create",
        headers={**a.bearer, "content-type": "application/json"},
        params={"conversation_id": cid},
        content=b"{",
    )
    assert r.json()["code"] == 4000
    empty_cid = (await create(w, a))["id"]
    got = await call(
        w, a, "POST", f"{MESSAGES}/list", params={"conversation_id": empty_cid}, json={"limit": 5}
    )
    assert got == {"code": 0, "msg": "", "data": [], "first_id": "", "last_id": "", "has_more": False}


async def test_message_list_pages_to_the_end_both_ways(w: ConversationWorld) -> None:
    a = w.alice
    cid = (await create(w, a))["id"]
    ids = [(await add_message(w, a, cid, f"m{i}"))["id"] for i in range(11)]
    await call(w, a, "POST", f"{MESSAGES}/delete", params={"conversation_id": cid, "message_id": ids[4]})
    live = [i for i in ids if i != ids[4]]

    async def walk(order: str, limit: int, **first: str) -> list[str]:
        """As cozepy's LastIDPaged does: then after_id = last_id while has_more."""
        seen: list[str] = []
        body: dict[str, Any] = {
            "order": order,
            "limit": limit,
            "chat_id": None,
            "before_id": None,
            "after_id": None,
            **first,
        }
        for _ in range(50):
            got = await call(w, a, "POST", f"{MESSAGES}/list", params={"conversation_id": cid}, json=body)
            assert got["code"] == 0, got
            page = [m["id"] for m in got["data"]]
            if page:
                assert (got["first_id"], got["last_id"]) == (page[0], page[-1])
            seen += page
            if not got["has_more"]:
                return seen
            body = {**body, "before_id": None, "after_id": got["last_id"]}
        raise AssertionError("paging did not end")

    for limit in (1, 2, 3, 10, 50):
        assert await walk("desc", limit) == live[::-1]
        assert await walk("asc", limit) == live
    assert await walk("desc", 2, after_id=live[5]) == live[:5][::-1]
    assert await walk("asc", 2, after_id=live[5]) == live[6:]
    got = await call(
        w,
        a,
        "POST",
        f"{MESSAGES}/list",
        params={"conversation_id": cid},
        json={"order": "desc", "limit": 2, "before_id": live[5]},
    )
    assert [m["id"] for m in got["data"]] == live[6:8][::-1] and got["has_more"] is True
