"""cozepy 0.20.0, unmodified, against the app in-process (through the test client's transport):
its models must accept every conversation and message answer, and its LastIDPaged loop must end
without duplicates. The e2e suite does the same against a served process."""

from __future__ import annotations

import json
import warnings
from collections.abc import AsyncIterator

import httpx
import pytest

from bootstrap.settings import Settings
from tests.support.conversation_world import ConversationWorld, conversation_world

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # authlib's deprecation notice on import
    from cozepy import AsyncCoze, AsyncHTTPClient, AsyncTokenAuth, CozeAPIError, Message, MessageContentType


@pytest.fixture
async def w(settings: Settings) -> AsyncIterator[ConversationWorld]:
    async with conversation_world(settings) as world:
        yield world


def sdk(w: ConversationWorld, token: str) -> AsyncCoze:
    # The test client's own transport: the app runs on the loop its database connections belong to.
    transport: httpx.AsyncBaseTransport = w.client._transport  # type: ignore[attr-defined]
    return AsyncCoze(
        auth=AsyncTokenAuth(token),
        base_url="http://testserver.local",
        http_client=AsyncHTTPClient(transport=transport),
    )


async def test_conversations_and_messages_through_cozepy(w: ConversationWorld) -> None:
    coze = sdk(w, w.alice.token)
    bot = str(w.alice.agent_id)
    made = await coze.conversations.create(
        bot_id=bot,
        meta_data={"k": "v"},
        messages=[Message.build_user_question_text("hello"), Message.build_assistant_answer("hi")],
    )
    assert made.meta_data == {"k": "v"} and made.last_section_id and made.created_at > 0
    got = await coze.conversations.retrieve(conversation_id=made.id)
    assert got.id == made.id and got.connector_id == "1024"

    listed = await coze.conversations.list(bot_id=bot, page_size=1)
    assert [c.id async for c in listed] == [made.id]

    section = await coze.conversations.clear(conversation_id=made.id)
    assert section.conversation_id == made.id and section.id != made.last_section_id
    renamed = await coze.conversations.update(conversation_id=made.id, name="renamed")
    assert renamed.name == "renamed"

    ids = []
    for i in range(7):
        m = await coze.conversations.messages.create(
            conversation_id=made.id, role="user", content=f"m{i}", content_type=MessageContentType.TEXT
        )
        ids.append(m.id)
    rich = json.dumps([{"type": "text", "text": "rich"}])
    changed = await coze.conversations.messages.update(
        conversation_id=made.id,
        message_id=ids[0],
        content=rich,
        content_type=MessageContentType.OBJECT_STRING,
    )
    assert changed.content == rich
    assert (
        await coze.conversations.messages.retrieve(conversation_id=made.id, message_id=ids[0])
    ).content == rich
    deleted = await coze.conversations.messages.delete(conversation_id=made.id, message_id=ids[1])
    assert deleted.id == ids[1]

    everything = [
        m.id async for m in await coze.conversations.messages.list(conversation_id=made.id, limit=2)
    ]
    assert len(everything) == len(set(everything)) == 8  # 2 initial + 7 added - 1 deleted
    assert everything[:6] == [ids[6], ids[5], ids[4], ids[3], ids[2], ids[0]]
    oldest_first = [
        m.id
        async for m in await coze.conversations.messages.list(conversation_id=made.id, order="asc", limit=3)
    ]
    assert oldest_first == everything[::-1]
    after = [
        m.id
        async for m in await coze.conversations.messages.list(
            conversation_id=made.id, limit=2, after_id=ids[4]
        )
    ]
    assert after == everything[everything.index(ids[4]) + 1 :]

    await coze.conversations.delete(conversation_id=made.id)
    with pytest.raises(CozeAPIError) as gone:
        await coze.conversations.retrieve(conversation_id=made.id)
    assert gone.value.code == 4200


async def test_cozepy_sees_coze_error_codes(w: ConversationWorld) -> None:
    coze = sdk(w, w.alice.token)
    with pytest.raises(CozeAPIError) as bad_bot:
        await coze.conversations.create(bot_id=str(w.bob.agent_id))
    assert bad_bot.value.code == 4006
    with pytest.raises(CozeAPIError) as big_meta:
        await coze.conversations.create(meta_data={str(i): "v" for i in range(17)})
    assert big_meta.value.code == 4003
    made = await coze.conversations.create()
    with pytest.raises(CozeAPIError) as bad_object:
        await coze.conversations.messages.create(
            conversation_id=made.id, role="user", content="[{", content_type=MessageContentType.OBJECT_STRING
        )
    assert bad_object.value.code == 4005
    with pytest.raises(CozeAPIError) as foreign:
        await sdk(w, w.bob.token).conversations.retrieve(conversation_id=made.id)
    assert foreign.value.code == 4200
