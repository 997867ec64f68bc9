"""Bad input through cozepy 0.20.0: each is refused with Coze's code (CozeAPIError.code) before
anything is written."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from cozepy import Coze, CozeAPIError, Message, MessageContentType, MessageRole, MessageType

from tests.e2e.conftest import EchoBot, coze_for, create_echo_bot
from tests.e2e.test_cozepy_chat import USER, question
from tests.support.cozepy_tools import answer_text, read_stream
from tests.support.served import Account, Served, model_id

UNKNOWN_ID = "7000000000000000001"


def refused(call: Callable[[], Any]) -> int:
    """The code of the CozeAPIError `call` raises; an accepted stream is read so it cannot pass."""

    def attempt() -> None:
        result = call()
        if hasattr(result, "__next__"):
            next(result)

    with pytest.raises(CozeAPIError) as error:
        attempt()
    assert error.value.logid
    return int(error.value.code or 0)


def object_string(content: str) -> list[Message]:
    return [
        Message(
            role=MessageRole.USER, type=MessageType.QUESTION, content=content, content_type="object_string"
        )
    ]


@pytest.fixture(scope="module")
def conversation(coze: Coze, echo_bot: EchoBot) -> str:
    """A conversation with one message; every refused call below must leave it so."""
    made = coze.conversations.create(bot_id=echo_bot.bot_id, messages=question("the only message"))
    return made.id


@pytest.fixture(autouse=True)
def nothing_written(coze: Coze, conversation: str) -> Any:
    yield
    stored = coze.conversations.messages.list(conversation_id=conversation).items
    assert [m.content for m in stored] == ["the only message"]


def test_unknown_bot(coze: Coze) -> None:
    assert (
        refused(lambda: coze.chat.stream(bot_id=UNKNOWN_ID, user_id=USER, additional_messages=question("hi")))
        == 4006
    )
    assert (
        refused(lambda: coze.chat.create(bot_id=UNKNOWN_ID, user_id=USER, additional_messages=question("hi")))
        == 4006
    )


def test_unpublished_bot(coze: Coze, owner: Account, echo_model_id: str) -> None:
    draft_only = create_echo_bot(coze, owner, echo_model_id, "never published", publish=False)
    assert (
        refused(lambda: coze.chat.stream(bot_id=draft_only, user_id=USER, additional_messages=question("hi")))
        == 4015
    )

    withdrawn = create_echo_bot(coze, owner, echo_model_id, "withdrawn", publish=True)
    coze.bots.unpublish(bot_id=withdrawn, connector_id="1024")
    assert (
        refused(lambda: coze.chat.create(bot_id=withdrawn, user_id=USER, additional_messages=question("hi")))
        == 4015
    )


def test_another_users_conversation(served: Served, stranger: Account, conversation: str) -> None:
    theirs = coze_for(served, stranger.token)
    own_bot = create_echo_bot(
        theirs, stranger, model_id(stranger, "builtin-echo"), "stranger bot", publish=True
    )
    call = lambda: theirs.chat.stream(  # noqa: E731
        bot_id=own_bot, user_id=USER, conversation_id=conversation, additional_messages=question("let me in")
    )
    assert refused(call) == 4200


def test_another_users_bot(stranger_coze: Coze, echo_bot: EchoBot) -> None:
    """The owner's published agent lives in the owner's personal space: a stranger may not run it."""
    call = lambda: stranger_coze.chat.stream(  # noqa: E731
        bot_id=echo_bot.bot_id, user_id=USER, additional_messages=question("borrowing")
    )
    assert refused(call) in (4006, 4101, 4200)
    assert refused(lambda: stranger_coze.conversations.create(bot_id=echo_bot.bot_id)) in (4006, 4101, 4200)


@pytest.mark.parametrize(
    "meta_data",
    [
        {f"k{i}": "v" for i in range(17)},
        {"k" * 65: "v"},
        {"k": "v" * 513},
    ],
    ids=["17-pairs", "key-65", "value-513"],
)
def test_oversized_meta_data(
    coze: Coze, echo_bot: EchoBot, conversation: str, meta_data: dict[str, str]
) -> None:
    calls = [
        lambda: coze.chat.stream(
            bot_id=echo_bot.bot_id,
            user_id=USER,
            conversation_id=conversation,
            additional_messages=question("hi"),
            meta_data=meta_data,
        ),
        lambda: coze.chat.create(
            bot_id=echo_bot.bot_id,
            user_id=USER,
            conversation_id=conversation,
            additional_messages=[Message.build_user_question_text("hi", meta_data=meta_data)],
        ),
        lambda: coze.conversations.messages.create(
            conversation_id=conversation,
            role=MessageRole.USER,
            content="hi",
            content_type=MessageContentType.TEXT,
            meta_data=meta_data,
        ),
        lambda: coze.conversations.create(bot_id=echo_bot.bot_id, meta_data=meta_data),
    ]
    assert [refused(call) for call in calls] == [4003] * len(calls)


def test_largest_meta_data_is_accepted(coze: Coze, echo_bot: EchoBot) -> None:
    meta = {f"{i:02d}" + "k" * 62: "v" * 512 for i in range(16)}
    made = coze.conversations.create(bot_id=echo_bot.bot_id, meta_data=meta)
    assert coze.conversations.retrieve(conversation_id=made.id).meta_data == meta
    events = read_stream(
        coze.chat.stream(
            bot_id=echo_bot.bot_id, user_id=USER, additional_messages=question("big meta"), meta_data=meta
        )
    )
    assert answer_text(events)[1] == "big meta"


def test_too_many_additional_messages(coze: Coze, echo_bot: EchoBot, conversation: str) -> None:
    many = [Message.build_user_question_text(f"m{i}") for i in range(101)]
    call = lambda: coze.chat.stream(  # noqa: E731
        bot_id=echo_bot.bot_id, user_id=USER, conversation_id=conversation, additional_messages=many
    )
    assert refused(call) == 4004
    # Coze's documented limit is 100: exactly that many is a normal turn.
    events = read_stream(
        coze.chat.stream(bot_id=echo_bot.bot_id, user_id=USER, additional_messages=many[:100])
    )
    assert answer_text(events)[1] == "m99"


def test_non_stream_needs_auto_save_history(coze: Coze, echo_bot: EchoBot, conversation: str) -> None:
    call = lambda: coze.chat.create(  # noqa: E731
        bot_id=echo_bot.bot_id,
        user_id=USER,
        conversation_id=conversation,
        additional_messages=question("hi"),
        auto_save_history=False,
    )
    assert refused(call) == 4007


@pytest.mark.parametrize(
    "content",
    [
        "not json at all",
        json.dumps({"type": "text", "text": "an object, not a list"}),
        json.dumps([{"type": "image"}]),  # neither file_id nor file_url
        json.dumps([{"type": "text"}]),  # no text
        json.dumps([{"type": "video", "file_id": "1"}]),
        json.dumps([]),
    ],
    ids=["not-json", "not-a-list", "image-without-file", "text-without-text", "unknown-type", "empty-list"],
)
def test_malformed_object_string(coze: Coze, echo_bot: EchoBot, conversation: str, content: str) -> None:
    call = lambda: coze.chat.stream(  # noqa: E731
        bot_id=echo_bot.bot_id,
        user_id=USER,
        conversation_id=conversation,
        additional_messages=object_string(content),
    )
    assert refused(call) in (4000, 4005)


@pytest.mark.parametrize("text", ["", "   "], ids=["empty", "blank"])
def test_empty_query(coze: Coze, echo_bot: EchoBot, conversation: str, text: str) -> None:
    call = lambda: coze.chat.stream(  # noqa: E731
        bot_id=echo_bot.bot_id, user_id=USER, conversation_id=conversation, additional_messages=question(text)
    )
    assert refused(call) in (4000, 4005)


def test_bad_token(served: Served, echo_bot: EchoBot) -> None:
    wrong = coze_for(served, "pat_" + "x" * 43)
    assert (
        refused(
            lambda: wrong.chat.stream(
                bot_id=echo_bot.bot_id, user_id=USER, additional_messages=question("hi")
            )
        )
        == 4100
    )
    assert refused(lambda: wrong.conversations.retrieve(conversation_id=UNKNOWN_ID)) == 4100


def test_token_without_the_chat_scope(served: Served, owner: Account, echo_bot: EchoBot) -> None:
    reader = coze_for(served, owner.issue_token("bot reader", ["bot:read"]))
    assert (
        refused(
            lambda: reader.chat.stream(
                bot_id=echo_bot.bot_id, user_id=USER, additional_messages=question("hi")
            )
        )
        == 4101
    )
    assert (
        refused(
            lambda: reader.chat.create(
                bot_id=echo_bot.bot_id, user_id=USER, additional_messages=question("hi")
            )
        )
        == 4101
    )

    chatter = coze_for(served, owner.issue_token("chatter", ["chat"]))
    events = read_stream(
        chatter.chat.stream(bot_id=echo_bot.bot_id, user_id=USER, additional_messages=question("scoped"))
    )
    assert answer_text(events)[1] == "scoped"
