"""Conversation messages through cozepy 0.20.0: create, LastIDPaged listing to the end in both
orders, before_id/after_id, retrieve, update (answered under "message"), delete — sync and async."""

from __future__ import annotations

import pytest
from cozepy import AsyncCoze, Coze, CozeAPIError, MessageContentType, MessageRole

from tests.e2e.conftest import EchoBot
from tests.support.cozepy_tools import all_pages, all_pages_async, ids_of, items_of

COUNT = 7


@pytest.fixture(scope="module")
def thread(coze: Coze, echo_bot: EchoBot) -> tuple[str, list[str]]:
    """A conversation with COUNT messages, alternately from the user and the assistant; their ids
    in creation order."""
    conversation = coze.conversations.create(bot_id=echo_bot.bot_id)
    ids = []
    for i in range(COUNT):
        role = MessageRole.USER if i % 2 == 0 else MessageRole.ASSISTANT
        message = coze.conversations.messages.create(
            conversation_id=conversation.id,
            role=role,
            content=f"message {i}",
            content_type=MessageContentType.TEXT,
            meta_data={"i": str(i)},
        )
        assert message.id and message.conversation_id == conversation.id
        assert (message.role, message.content, message.meta_data) == (role, f"message {i}", {"i": str(i)})
        # messages.create sends no type: Coze answers "" or the role's usual one.
        assert message.type in ("", "question" if role == MessageRole.USER else "answer")
        assert message.section_id == conversation.last_section_id
        assert message.created_at and message.created_at > 0
        ids.append(message.id)
    assert len(set(ids)) == COUNT
    return conversation.id, ids


@pytest.mark.parametrize("order", ["desc", "asc"])
@pytest.mark.parametrize("limit", [2, 3, 50])
def test_list_pages_to_the_end(coze: Coze, thread: tuple[str, list[str]], order: str, limit: int) -> None:
    conversation_id, ids = thread
    expected = list(reversed(ids)) if order == "desc" else ids
    pages = all_pages(
        coze.conversations.messages.list(conversation_id=conversation_id, order=order, limit=limit)
    )
    listed = ids_of(items_of(pages))
    assert listed == expected, "every message once, in listing order"
    assert [len(p.items) for p in pages[:-1]] == [limit] * (len(pages) - 1)
    assert len(pages) == -(-COUNT // limit)
    for page in pages:
        assert page.first_id == page.items[0].id and page.last_id == page.items[-1].id
    assert [p.has_more for p in pages] == [True] * (len(pages) - 1) + [False]


def test_default_order_is_newest_first(coze: Coze, thread: tuple[str, list[str]]) -> None:
    conversation_id, ids = thread
    page = coze.conversations.messages.list(conversation_id=conversation_id)
    assert ids_of(page.items) == list(reversed(ids))
    assert [m.content for m in page.items][:2] == [f"message {COUNT - 1}", f"message {COUNT - 2}"]


@pytest.mark.parametrize("order", ["desc", "asc"])
def test_after_id_continues_and_before_id_goes_back(
    coze: Coze, thread: tuple[str, list[str]], order: str
) -> None:
    conversation_id, ids = thread
    listing = list(reversed(ids)) if order == "desc" else ids
    messages = coze.conversations.messages

    after = messages.list(conversation_id=conversation_id, order=order, after_id=listing[2], limit=50)
    assert ids_of(after.items) == listing[3:] and after.has_more is False

    first_page = messages.list(conversation_id=conversation_id, order=order, limit=2)
    second_page = messages.list(
        conversation_id=conversation_id, order=order, after_id=first_page.last_id, limit=2
    )
    assert ids_of(second_page.items) == listing[2:4] and second_page.has_more is True
    back = messages.list(
        conversation_id=conversation_id, order=order, before_id=second_page.first_id, limit=2
    )
    assert ids_of(back.items) == ids_of(first_page.items) == listing[:2]

    before_all = messages.list(conversation_id=conversation_id, order=order, before_id=listing[4], limit=50)
    assert ids_of(before_all.items) == listing[:4]

    last = messages.list(conversation_id=conversation_id, order=order, after_id=listing[-1], limit=50)
    assert last.items == [] and last.has_more is False


def test_retrieve_update_delete(coze: Coze, echo_bot: EchoBot) -> None:
    conversation = coze.conversations.create(bot_id=echo_bot.bot_id)
    messages = coze.conversations.messages
    kept = messages.create(
        conversation_id=conversation.id,
        role=MessageRole.USER,
        content="keep",
        content_type=MessageContentType.TEXT,
    )
    made = messages.create(
        conversation_id=conversation.id,
        role=MessageRole.USER,
        content="original words",
        content_type=MessageContentType.TEXT,
        meta_data={"state": "new"},
    )
    fetched = messages.retrieve(conversation_id=conversation.id, message_id=made.id)
    assert (fetched.id, fetched.content, fetched.meta_data) == (made.id, "original words", {"state": "new"})

    updated = messages.update(
        conversation_id=conversation.id,
        message_id=made.id,
        content="edited words",
        meta_data={"state": "edited"},
    )
    assert (updated.id, updated.content, updated.meta_data) == (made.id, "edited words", {"state": "edited"})
    assert updated.content_type == MessageContentType.TEXT
    refetched = messages.retrieve(conversation_id=conversation.id, message_id=made.id)
    assert (refetched.content, refetched.meta_data) == ("edited words", {"state": "edited"})
    assert refetched.updated_at and refetched.created_at and refetched.updated_at >= refetched.created_at

    deleted = messages.delete(conversation_id=conversation.id, message_id=made.id)
    assert deleted.id == made.id and deleted.content == "edited words"
    with pytest.raises(CozeAPIError) as gone:
        messages.retrieve(conversation_id=conversation.id, message_id=made.id)
    assert gone.value.code == 4200
    listed = messages.list(conversation_id=conversation.id)
    assert ids_of(listed.items) == [kept.id]
    with pytest.raises(CozeAPIError) as twice:
        messages.delete(conversation_id=conversation.id, message_id=made.id)
    assert twice.value.code == 4200


def test_message_of_another_conversation_is_not_found(coze: Coze, echo_bot: EchoBot) -> None:
    one = coze.conversations.create(bot_id=echo_bot.bot_id)
    two = coze.conversations.create(bot_id=echo_bot.bot_id)
    message = coze.conversations.messages.create(
        conversation_id=one.id, role=MessageRole.USER, content="here", content_type=MessageContentType.TEXT
    )
    for call in (
        lambda: coze.conversations.messages.retrieve(conversation_id=two.id, message_id=message.id),
        lambda: coze.conversations.messages.update(
            conversation_id=two.id, message_id=message.id, content="x"
        ),
        lambda: coze.conversations.messages.delete(conversation_id=two.id, message_id=message.id),
    ):
        with pytest.raises(CozeAPIError) as missing:
            call()
        assert missing.value.code == 4200
    assert (
        coze.conversations.messages.retrieve(conversation_id=one.id, message_id=message.id).content == "here"
    )


async def test_async_messages(acoze: AsyncCoze, coze: Coze, echo_bot: EchoBot) -> None:
    conversation = await acoze.conversations.create(bot_id=echo_bot.bot_id)
    ids = []
    for i in range(5):
        made = await acoze.conversations.messages.create(
            conversation_id=conversation.id,
            role=MessageRole.USER,
            content=f"async {i}",
            content_type=MessageContentType.TEXT,
        )
        ids.append(made.id)
    for order, expected in (("desc", list(reversed(ids))), ("asc", ids)):
        paged = await acoze.conversations.messages.list(conversation_id=conversation.id, order=order, limit=2)
        pages = await all_pages_async(paged)
        assert ids_of(items_of(pages)) == expected
        assert len(pages) == 3

    updated = await acoze.conversations.messages.update(
        conversation_id=conversation.id, message_id=ids[0], content="async edited"
    )
    assert updated.content == "async edited"
    fetched = await acoze.conversations.messages.retrieve(conversation_id=conversation.id, message_id=ids[0])
    assert fetched.content == "async edited"
    deleted = await acoze.conversations.messages.delete(conversation_id=conversation.id, message_id=ids[1])
    assert deleted.id == ids[1]
    remaining = await acoze.conversations.messages.list(conversation_id=conversation.id, order="asc")
    assert ids_of(remaining.items) == [ids[0], *ids[2:]]
