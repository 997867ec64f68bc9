"""Agents with knowledge on the real app (SQLite and MariaDB, the embedded vector store and full-text
index, the indexing consumers in-process): a knowledge base made through the SPA routes, bound to an
agent, searched before each answer. cozepy 0.20.0, unmodified, reads the verbose knowledge_recall
message of /v3/chat's stream (published agent); the SPA's stream carries it too (draft); another
space's knowledge base is never searched; the no-recall reply answers without the model."""

from __future__ import annotations

import asyncio
import json
import warnings
from typing import Any

import httpx
import pytest

from bootstrap.settings import Settings
from tests.support.chat_world import ChatUser, Client, chat_user, parse_sse
from tests.support.cozepy_tools import read_stream_async
from tests.support.identity import create_user, sign_in
from tests.support.knowledge_world import DONE

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # authlib's deprecation notice on import
    from cozepy import (
        AsyncCoze,
        AsyncHTTPClient,
        AsyncTokenAuth,
        ChatEvent,
        ChatEventType,
        Message,
        MessageType,
    )

POLICY = (
    "Travel policy. Employees book flights through the travel desk.\n\n"
    "Hotel rooms are reimbursed up to 180 euros a night in capital cities.\n\n"
    "Meals on the road are paid with the company card; keep the receipts."
)
SECRET = "Bob's notes: the quarterly bonus pool is 40000 zorkmids."
SORRY = "I only know the travel policy."


async def spa(client: Client, path: str, body: dict[str, Any]) -> Any:
    r = await client.post(path, json=body)
    payload = r.json()
    assert payload["code"] == 0, (path, r.status_code, payload)
    return payload.get("data")


async def knowledge_base(client: Client, space_id: str, name: str, text: str) -> str:
    """A text knowledge base with one document, indexed (polls the progress route)."""
    made = await spa(client, "/api/knowledge/create", {"space_id": space_id, "name": name, "format_type": 0})
    dataset_id = str(made["dataset_id"])
    docs = await spa(
        client,
        "/api/knowledge/document/create",
        {
            "dataset_id": dataset_id,
            "document_bases": [{"name": f"{name}.txt", "source_info": {"custom_content": text}}],
        },
    )
    document_id = str(docs["document_infos"][0]["document_id"])
    for _ in range(1200):  # the consumers index in-process; bounded, not timed
        rows = (await spa(client, "/api/knowledge/document/progress/get", {"document_ids": [document_id]}))[
            "data"
        ]
        if rows[0]["status"] in DONE:
            assert rows[0]["status"] == 1, rows
            return dataset_id
        await asyncio.sleep(0.05)
    raise AssertionError("the document was not indexed")


def sdk(me: ChatUser) -> AsyncCoze:
    transport: httpx.AsyncBaseTransport = me.client._transport  # type: ignore[attr-defined]
    token = me.bearer["authorization"].removeprefix("Bearer ")
    return AsyncCoze(
        auth=AsyncTokenAuth(token),
        base_url="http://testserver.local",
        http_client=AsyncHTTPClient(transport=transport),
    )


async def ask(me: ChatUser, text: str) -> list[ChatEvent]:
    stream = sdk(me).chat.stream(
        bot_id=me.bot, user_id="end-user-1", additional_messages=[Message.build_user_question_text(text)]
    )
    return await read_stream_async(stream, seconds=120)


def recalls(events: list[ChatEvent]) -> list[list[dict[str, Any]]]:
    """The chunks of each knowledge_recall note, as a client parses them out of cozepy's Message."""
    found = []
    for e in events:
        m = e.message
        if (
            e.event == ChatEventType.CONVERSATION_MESSAGE_COMPLETED
            and m is not None
            and m.type == MessageType.VERBOSE
        ):
            content = json.loads(m.content)
            if content["msg_type"] == "knowledge_recall":
                found.append(json.loads(content["data"])["chunks"])
    return found


def completed_chat(events: list[ChatEvent]) -> Any:
    return next(e.chat for e in events if e.event == ChatEventType.CONVERSATION_CHAT_COMPLETED)


def answer(events: list[ChatEvent]) -> str:
    done = [
        e.message.content
        for e in events
        if e.event == ChatEventType.CONVERSATION_MESSAGE_COMPLETED
        and e.message
        and e.message.type == "answer"
    ]
    assert len(done) == 1, done
    return done[0]


async def bind(me: ChatUser, publish: bool = True, **knowledge: Any) -> None:
    r = await me.post("/v1/bot/update", {"bot_id": me.bot, "knowledge": knowledge})
    assert r["code"] == 0, r
    if publish:
        published = await me.post("/v1/bot/publish", {"bot_id": me.bot, "connector_ids": ["1024"]})
        assert published["code"] == 0, published


@pytest.fixture
async def me(anon_client: Client, settings: Settings) -> ChatUser:
    return await chat_user(anon_client, settings)


async def test_a_published_agent_recalls_before_answering_and_cozepy_reads_the_sources(me: ChatUser) -> None:
    policies = await knowledge_base(me.client, me.space, "Policies", POLICY)
    plain = await ask(me, "hotel rooms reimbursed night")
    assert recalls(plain) == []  # nothing bound yet: no search, no note

    await bind(me, dataset_ids=[policies], search_strategy=20, show_source=True)
    events = await ask(me, "hotel rooms reimbursed night")
    (chunks,) = recalls(events)
    assert chunks and "180 euros" in chunks[0]["slice"]
    assert chunks[0]["meta"]["dataset"] == {"id": policies, "name": "Policies"}
    assert chunks[0]["meta"]["document"]["name"] == "Policies.txt"
    assert 0 < chunks[0]["score"] <= 1
    kinds = [(e.event, e.message.type if e.message else None) for e in events]
    at = kinds.index((ChatEventType.CONVERSATION_MESSAGE_COMPLETED, MessageType.VERBOSE))
    assert kinds[at + 1][0] == ChatEventType.CONVERSATION_MESSAGE_DELTA  # before the answer
    assert answer(events) == "hotel rooms reimbursed night"  # builtin-echo repeats the question
    # The recalled passage was in the prompt: builtin-echo counts every word it was sent.
    words = len(chunks[0]["slice"].split())
    assert completed_chat(events).usage.input_count > completed_chat(plain).usage.input_count + words

    # Stream-only: the chat's messages are the answer alone.
    chat = completed_chat(events)
    listed = await sdk(me).chat.messages.list(conversation_id=chat.conversation_id, chat_id=chat.id)
    assert [m.type for m in listed] == [MessageType.ANSWER]


async def test_another_spaces_knowledge_base_is_never_searched(
    me: ChatUser, anon_client: Client, settings: Settings
) -> None:
    bob = await create_user(settings)
    await sign_in(anon_client, bob["email"])
    spaces = (await anon_client.post("/api/playground_api/space/list", json={})).json()["data"][
        "bot_space_list"
    ]
    bob_space = next(s["id"] for s in spaces if s["space_type"] == 1)
    secret = await knowledge_base(anon_client, str(bob_space), "Secrets", SECRET)
    query = "quarterly bonus pool zorkmids"
    own = await spa(anon_client, "/api/knowledge/retrieval/test", {"dataset_ids": [secret], "query": query})
    assert "zorkmids" in own["slices"][0]["content"]  # the query does find Bob's text, for Bob
    await sign_in(anon_client, me.email)
    mine = await knowledge_base(me.client, me.space, "Policies", POLICY)

    await bind(me, dataset_ids=[mine, secret], search_strategy=20, min_score=0)
    events = await ask(me, query)
    (chunks,) = recalls(events)
    assert all(c["meta"]["dataset"]["id"] == mine for c in chunks)
    assert "zorkmids" not in json.dumps(chunks)


async def test_no_recall_replies_with_the_custom_text(me: ChatUser) -> None:
    policies = await knowledge_base(me.client, me.space, "Policies", POLICY)
    await bind(
        me,
        dataset_ids=[policies],
        search_strategy=20,
        no_recall_reply_mode=1,
        no_recall_reply_customize_prompt=SORRY,
    )
    events = await ask(me, "zebra migration patterns")
    assert recalls(events) == [[]]
    assert answer(events) == SORRY
    assert completed_chat(events).usage.token_count == 0  # the model was not asked
    found = await ask(me, "meals company card receipts")
    assert recalls(found)[0] and answer(found) == "meals company card receipts"


async def test_the_draft_recalls_in_the_playground_stream(me: ChatUser) -> None:
    policies = await knowledge_base(me.client, me.space, "Policies", POLICY)
    info = {"bot_id": me.bot, "knowledge": {"knowledge_info": [{"id": policies}], "search_strategy": 1}}
    await spa(me.client, "/api/playground_api/draftbot/update_draft_bot_info", {"bot_info": info})
    r = await me.client.post(
        "/api/conversation/chat",
        json={
            "bot_id": me.bot,
            "draft_mode": True,
            "query": "hotel rooms reimbursed",
            "content_type": "text",
        },
    )
    events = parse_sse(r.content)
    notes = [
        json.loads(e["data"]["message"]["content"])
        for e in events
        if e["event"] == "message" and e["data"]["message"]["type"] == "verbose"
    ]
    recall = next(n for n in notes if n["msg_type"] == "knowledge_recall")
    chunks = json.loads(recall["data"])["chunks"]
    assert any("180 euros" in c["slice"] for c in chunks)
    # The published version (bound to nothing) is unchanged by the draft's binding.
    assert recalls(await ask(me, "hotel rooms reimbursed")) == []


async def test_on_demand_the_model_searches_when_it_calls_recall_knowledge(me: ChatUser) -> None:
    policies = await knowledge_base(me.client, me.space, "Policies", POLICY)
    await bind(me, dataset_ids=[policies], search_strategy=20, auto_call=False)
    plain = await ask(me, "hotel rooms reimbursed night")
    assert recalls(plain) == []  # on demand: nothing is searched before the answer

    events = await ask(me, '/tool recallKnowledge {"query": "hotel rooms reimbursed night"}')
    done = [
        e.message for e in events if e.event == ChatEventType.CONVERSATION_MESSAGE_COMPLETED and e.message
    ]
    types = [m.type for m in done]
    assert types[:2] == [MessageType.FUNCTION_CALL, MessageType.TOOL_RESPONSE], types
    assert "180 euros" in done[1].content and "----- Start of knowledge -----" in done[1].content
    assert completed_chat(events).status == "completed"

    # Only the agent's own knowledge bases: another id is refused, the chat goes on.
    wrong = await ask(me, '/tool recallKnowledge {"knowledge_ids": ["12345"]}')
    response = next(e.message for e in wrong if e.message and e.message.type == MessageType.TOOL_RESPONSE)
    assert json.loads(response.content) == {"error": "knowledge_ids are among the listed ones"}
    assert completed_chat(wrong).status == "completed"
