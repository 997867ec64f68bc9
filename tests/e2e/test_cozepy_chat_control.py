"""Chat runs that do not simply complete, through cozepy 0.20.0: cancel (partial answer kept),
cancel of a finished chat (4104), one running chat per conversation (4016), a model failure
(chat.failed with last_error) — sync, and the core paths with AsyncCoze."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cozepy import AsyncCoze, ChatEvent, ChatEventType, ChatStatus, Coze, CozeAPIError, Stream

from tests.e2e.conftest import EchoBot
from tests.e2e.test_cozepy_chat import USER, question
from tests.support.cozepy_tools import (
    answer_text,
    chat_of,
    kinds,
    read_stream,
    read_stream_async,
    wait_chat,
    wait_chat_async,
)

SLOW_TEXT = " ".join(f"w{i}" for i in range(40))  # 8 s of /slow output: never finishes before the cancel


def deltas(events: list[ChatEvent]) -> str:
    return "".join(
        e.message.content for e in events if e.event == ChatEventType.CONVERSATION_MESSAGE_DELTA and e.message
    )


def until_deltas(stream: Stream[ChatEvent] | Iterator[ChatEvent], count: int) -> list[ChatEvent]:
    head: list[ChatEvent] = []
    while sum(e.event == ChatEventType.CONVERSATION_MESSAGE_DELTA for e in head) < count:
        head.append(next(stream))  # type: ignore[arg-type]
    return head


def test_cancel_a_running_chat_keeps_the_partial_answer(coze: Coze, echo_bot: EchoBot) -> None:
    stream = coze.chat.stream(
        bot_id=echo_bot.bot_id, user_id=USER, additional_messages=question(f"/slow {SLOW_TEXT}")
    )
    head = until_deltas(stream, 2)
    chat = chat_of(head, ChatEventType.CONVERSATION_CHAT_CREATED)

    canceled = coze.chat.cancel(conversation_id=chat.conversation_id, chat_id=chat.id)
    assert (canceled.id, canceled.status) == (chat.id, ChatStatus.CANCELED)

    rest = read_stream(stream)  # the server ends the stream once the run stops
    seen = kinds(head + rest)
    assert "conversation.chat.completed" not in seen, seen
    terminal = [e.chat for e in rest if e.chat is not None]
    assert all(c.status == ChatStatus.CANCELED for c in terminal), seen

    fetched = coze.chat.retrieve(conversation_id=chat.conversation_id, chat_id=chat.id)
    assert fetched.status == ChatStatus.CANCELED
    answers = [
        m.content
        for m in coze.chat.messages.list(conversation_id=chat.conversation_id, chat_id=chat.id)
        if m.type == "answer"
    ]
    assert len(answers) == 1, answers
    partial = answers[0]
    assert partial.startswith(deltas(head)), (partial, deltas(head))
    assert SLOW_TEXT.startswith(partial) and len(partial) < len(SLOW_TEXT), partial

    # Cancelled twice: no longer cancellable.
    with pytest.raises(CozeAPIError) as again:
        coze.chat.cancel(conversation_id=chat.conversation_id, chat_id=chat.id)
    assert again.value.code == 4104


def test_cancel_a_completed_chat_is_refused(coze: Coze, echo_bot: EchoBot) -> None:
    events = read_stream(
        coze.chat.stream(bot_id=echo_bot.bot_id, user_id=USER, additional_messages=question("done"))
    )
    chat = chat_of(events, ChatEventType.CONVERSATION_CHAT_COMPLETED)
    with pytest.raises(CozeAPIError) as refused:
        coze.chat.cancel(conversation_id=chat.conversation_id, chat_id=chat.id)
    assert refused.value.code == 4104
    assert (
        coze.chat.retrieve(conversation_id=chat.conversation_id, chat_id=chat.id).status
        == ChatStatus.COMPLETED
    )


def test_one_running_chat_per_conversation(coze: Coze, echo_bot: EchoBot) -> None:
    conversation = coze.conversations.create(bot_id=echo_bot.bot_id)
    stream = coze.chat.stream(
        bot_id=echo_bot.bot_id,
        user_id=USER,
        conversation_id=conversation.id,
        additional_messages=question(f"/slow {SLOW_TEXT}"),
    )
    chat = chat_of(until_deltas(stream, 1), ChatEventType.CONVERSATION_CHAT_CREATED)
    for start in (coze.chat.stream, coze.chat.create):
        with pytest.raises(CozeAPIError) as busy:
            start(
                bot_id=echo_bot.bot_id,
                user_id=USER,
                conversation_id=conversation.id,
                additional_messages=question("me too"),
            )
        assert busy.value.code == 4016
    coze.chat.cancel(conversation_id=conversation.id, chat_id=chat.id)
    read_stream(stream)
    # The refused turns left nothing behind; a new turn runs once the first is over.
    after = read_stream(
        coze.chat.stream(
            bot_id=echo_bot.bot_id,
            user_id=USER,
            conversation_id=conversation.id,
            additional_messages=question("now me"),
        )
    )
    assert answer_text(after) == ("now me", "now me")
    stored = coze.conversations.messages.list(conversation_id=conversation.id, order="asc").items
    assert "me too" not in [m.content for m in stored]


def test_model_failure_ends_the_stream_with_chat_failed(coze: Coze, echo_bot: EchoBot) -> None:
    events = read_stream(
        coze.chat.stream(bot_id=echo_bot.bot_id, user_id=USER, additional_messages=question("/fail please"))
    )
    seen = kinds(events)
    assert seen[0] == "conversation.chat.created" and seen[-1] == "conversation.chat.failed", seen
    assert "conversation.chat.completed" not in seen
    failed = chat_of(events, ChatEventType.CONVERSATION_CHAT_FAILED)
    assert failed.status == ChatStatus.FAILED
    assert failed.last_error is not None and failed.last_error.code > 0 and failed.last_error.msg
    fetched = coze.chat.retrieve(conversation_id=failed.conversation_id, chat_id=failed.id)
    assert fetched.status == ChatStatus.FAILED and fetched.last_error == failed.last_error
    assert fetched.failed_at


def test_model_failure_mid_answer(coze: Coze, echo_bot: EchoBot) -> None:
    events = read_stream(
        coze.chat.stream(
            bot_id=echo_bot.bot_id,
            user_id=USER,
            additional_messages=question("/fail-after 2 one two three four"),
        )
    )
    seen = kinds(events)
    assert seen[-1] == "conversation.chat.failed", seen
    assert deltas(events) == "one two"
    failed = chat_of(events, ChatEventType.CONVERSATION_CHAT_FAILED)
    assert failed.last_error is not None and failed.last_error.code > 0 and failed.last_error.msg
    assert (
        coze.chat.retrieve(conversation_id=failed.conversation_id, chat_id=failed.id).status
        == ChatStatus.FAILED
    )


def test_model_failure_non_stream(coze: Coze, echo_bot: EchoBot) -> None:
    chat = coze.chat.create(bot_id=echo_bot.bot_id, user_id=USER, additional_messages=question("/fail"))
    assert chat.status == ChatStatus.IN_PROGRESS
    failed = wait_chat(coze, chat.conversation_id, chat.id)
    assert failed.status == ChatStatus.FAILED
    assert failed.last_error is not None and failed.last_error.code > 0 and failed.last_error.msg


async def test_async_stream_and_non_stream(acoze: AsyncCoze, echo_bot: EchoBot) -> None:
    events = await read_stream_async(
        acoze.chat.stream(
            bot_id=echo_bot.bot_id, user_id=USER, additional_messages=question("async words here")
        )
    )
    seen = kinds(events)
    assert seen[:2] == ["conversation.chat.created", "conversation.chat.in_progress"]
    assert seen[-1] == "conversation.chat.completed"
    assert answer_text(events) == ("async words here", "async words here")

    chat = await acoze.chat.create(
        bot_id=echo_bot.bot_id, user_id=USER, additional_messages=question("async poll")
    )
    assert chat.status == ChatStatus.IN_PROGRESS
    done = await wait_chat_async(acoze, chat.conversation_id, chat.id)
    assert done.status == ChatStatus.COMPLETED
    messages = await acoze.chat.messages.list(conversation_id=chat.conversation_id, chat_id=chat.id)
    assert [m.content for m in messages if m.type == "answer"] == ["async poll"]


async def test_async_cancel(acoze: AsyncCoze, echo_bot: EchoBot) -> None:
    stream = acoze.chat.stream(
        bot_id=echo_bot.bot_id, user_id=USER, additional_messages=question(f"/slow {SLOW_TEXT}")
    )
    head: list[ChatEvent] = []
    async for event in stream:
        head.append(event)
        if event.event == ChatEventType.CONVERSATION_MESSAGE_DELTA:
            break
    chat = chat_of(head, ChatEventType.CONVERSATION_CHAT_CREATED)
    canceled = await acoze.chat.cancel(conversation_id=chat.conversation_id, chat_id=chat.id)
    assert canceled.status == ChatStatus.CANCELED
    rest = await read_stream_async(stream)
    assert "conversation.chat.completed" not in kinds(rest)
    fetched = await wait_chat_async(acoze, chat.conversation_id, chat.id)
    assert fetched.status == ChatStatus.CANCELED
