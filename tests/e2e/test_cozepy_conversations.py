"""Conversations through cozepy 0.20.0, unmodified, against `cozeplus serve`: create, retrieve,
list to the end, clear (new section), update, delete — sync and async."""

from __future__ import annotations

import pytest
from cozepy import AsyncCoze, Coze, CozeAPIError, Message, MessageContentType, MessageRole

from tests.e2e.conftest import EchoBot, create_echo_bot
from tests.support.cozepy_tools import all_pages, all_pages_async, ids_of, items_of
from tests.support.served import Account


@pytest.fixture(scope="module")
def listing_bot(coze: Coze, owner: Account, echo_model_id: str) -> str:
    """A bot of its own, so the conversation list holds exactly what this module creates."""
    return create_echo_bot(coze, owner, echo_model_id, "conversation list", publish=True)


def test_create_with_messages_and_meta_data_then_retrieve(coze: Coze, echo_bot: EchoBot) -> None:
    created = coze.conversations.create(
        bot_id=echo_bot.bot_id,
        messages=[
            Message.build_user_question_text("what is the weather", meta_data={"turn": "1"}),
            Message.build_assistant_answer("sunny all day"),
        ],
        meta_data={"customer": "c-42", "channel": "e2e"},
    )
    assert created.id and created.created_at > 0
    assert created.meta_data == {"customer": "c-42", "channel": "e2e"}
    assert created.last_section_id
    assert created.response.logid

    fetched = coze.conversations.retrieve(conversation_id=created.id)
    assert fetched.id == created.id
    assert fetched.meta_data == created.meta_data
    assert fetched.last_section_id == created.last_section_id
    assert fetched.created_at == created.created_at

    listed = coze.conversations.messages.list(conversation_id=created.id, order="asc")
    assert [(m.role, m.type, m.content) for m in listed.items] == [
        (MessageRole.USER, "question", "what is the weather"),
        (MessageRole.ASSISTANT, "answer", "sunny all day"),
    ]
    assert listed.items[0].meta_data == {"turn": "1"}
    assert {m.conversation_id for m in listed.items} == {created.id}
    assert {m.section_id for m in listed.items} == {created.last_section_id}
    assert listed.has_more is False


def test_list_pages_to_the_end_without_duplicates(coze: Coze, listing_bot: str) -> None:
    created = [coze.conversations.create(bot_id=listing_bot, name=f"c{i}").id for i in range(5)]

    pages = all_pages(coze.conversations.list(bot_id=listing_bot, page_size=2))
    listed = ids_of(items_of(pages))
    assert len(listed) == len(set(listed)), f"duplicates across pages: {listed}"
    assert set(listed) == set(created)
    assert [len(p.items) for p in pages] == [2, 2, 1]
    assert pages[-1].has_more is False

    # One page holding everything says there is no more.
    single = coze.conversations.list(bot_id=listing_bot, page_size=50)
    assert set(ids_of(single.items)) == set(created) and single.has_more is False


def test_clear_starts_a_new_section(coze: Coze, echo_bot: EchoBot) -> None:
    conversation = coze.conversations.create(
        bot_id=echo_bot.bot_id, messages=[Message.build_user_question_text("before the clear")]
    )
    section = coze.conversations.clear(conversation_id=conversation.id)
    assert section.conversation_id == conversation.id
    assert section.id and section.id != conversation.last_section_id
    assert coze.conversations.retrieve(conversation_id=conversation.id).last_section_id == section.id

    after = coze.conversations.messages.create(
        conversation_id=conversation.id,
        role=MessageRole.USER,
        content="after the clear",
        content_type=MessageContentType.TEXT,
    )
    assert after.section_id == section.id
    again = coze.conversations.clear(conversation_id=conversation.id)
    assert again.id not in (section.id, conversation.last_section_id)


def test_update_name_and_delete(coze: Coze, echo_bot: EchoBot) -> None:
    conversation = coze.conversations.create(bot_id=echo_bot.bot_id, name="first name")
    assert conversation.name == "first name"
    renamed = coze.conversations.update(conversation_id=conversation.id, name="second name")
    assert renamed.id == conversation.id and renamed.name == "second name"
    assert coze.conversations.retrieve(conversation_id=conversation.id).name == "second name"

    coze.conversations.delete(conversation_id=conversation.id)
    with pytest.raises(CozeAPIError) as gone:
        coze.conversations.retrieve(conversation_id=conversation.id)
    assert gone.value.code == 4200
    listed = all_pages(coze.conversations.list(bot_id=echo_bot.bot_id, page_size=50))
    assert conversation.id not in ids_of(items_of(listed))
    with pytest.raises(CozeAPIError) as twice:
        coze.conversations.delete(conversation_id=conversation.id)
    assert twice.value.code == 4200


def test_another_users_conversation_is_not_found(coze: Coze, echo_bot: EchoBot, stranger_coze: Coze) -> None:
    conversation = coze.conversations.create(
        bot_id=echo_bot.bot_id, messages=[Message.build_user_question_text("private words")]
    )
    other = stranger_coze
    calls = [
        lambda: other.conversations.retrieve(conversation_id=conversation.id),
        lambda: other.conversations.update(conversation_id=conversation.id, name="taken"),
        lambda: other.conversations.clear(conversation_id=conversation.id),
        lambda: other.conversations.messages.list(conversation_id=conversation.id),
        lambda: other.conversations.messages.create(
            conversation_id=conversation.id,
            role=MessageRole.USER,
            content="hi",
            content_type=MessageContentType.TEXT,
        ),
        lambda: other.conversations.delete(conversation_id=conversation.id),
    ]
    for call in calls:
        with pytest.raises(CozeAPIError) as denied:
            call()
        assert denied.value.code == 4200
    # Nothing changed for the owner.
    kept = coze.conversations.retrieve(conversation_id=conversation.id)
    assert kept.name != "taken" and kept.last_section_id == conversation.last_section_id
    assert [m.content for m in coze.conversations.messages.list(conversation_id=conversation.id).items] == [
        "private words"
    ]


async def test_async_conversation_lifecycle(
    acoze: AsyncCoze, coze: Coze, owner: Account, echo_model_id: str
) -> None:
    bot_id = create_echo_bot(coze, owner, echo_model_id, "async conversations", publish=True)
    created = []
    for i in range(3):
        conversation = await acoze.conversations.create(
            bot_id=bot_id,
            messages=[Message.build_user_question_text(f"hello {i}")],
            meta_data={"i": str(i)},
        )
        created.append(conversation)
    fetched = await acoze.conversations.retrieve(conversation_id=created[0].id)
    assert fetched.meta_data == {"i": "0"}

    pages = await all_pages_async(await acoze.conversations.list(bot_id=bot_id, page_size=2))
    listed = ids_of(items_of(pages))
    assert sorted(listed) == sorted(c.id for c in created)

    section = await acoze.conversations.clear(conversation_id=created[1].id)
    assert section.id != created[1].last_section_id
    renamed = await acoze.conversations.update(conversation_id=created[1].id, name="renamed")
    assert renamed.name == "renamed"
    await acoze.conversations.delete(conversation_id=created[2].id)
    with pytest.raises(CozeAPIError) as gone:
        await acoze.conversations.retrieve(conversation_id=created[2].id)
    assert gone.value.code == 4200
