"""/v3/chat through cozepy 0.20.0, unmodified: streaming and non-streaming turns with the
builtin-echo agent, polling, retrieve, the chat's messages, history within a conversation."""

from __future__ import annotations

from cozepy import (
    BotSuggestReplyInfo,
    ChatEventType,
    ChatStatus,
    Coze,
    Message,
    MessageRole,
    MessageType,
    SuggestReplyMode,
)

from tests.e2e.conftest import API_CONNECTOR, EchoBot, create_echo_bot
from tests.support.cozepy_tools import answer_text, chat_of, kinds, read_stream, wait_chat
from tests.support.served import Account

USER = "e2e-user"


def question(text: str) -> list[Message]:
    return [Message.build_user_question_text(text)]


def words(text: str) -> int:
    return len(text.split())


def test_stream_event_sequence(coze: Coze, echo_bot: EchoBot) -> None:
    text = "the quick brown fox jumps"
    stream = coze.chat.stream(
        bot_id=echo_bot.bot_id, user_id=USER, additional_messages=question(text), meta_data={"trace": "s1"}
    )
    assert stream.response.logid
    events = read_stream(stream)
    seen = kinds(events)
    assert seen[:2] == ["conversation.chat.created", "conversation.chat.in_progress"], seen
    assert seen[-1] == "conversation.chat.completed", seen
    assert "unknown" not in seen, seen
    deltas = [i for i, e in enumerate(events) if e.event == ChatEventType.CONVERSATION_MESSAGE_DELTA]
    answer_done = [
        i
        for i, e in enumerate(events)
        if e.event == ChatEventType.CONVERSATION_MESSAGE_COMPLETED
        and e.message
        and e.message.type == "answer"
    ]
    # builtin-echo yields a chunk per word; the server may relay them merged into fewer deltas.
    assert 1 <= len(deltas) <= words(text) and len(answer_done) == 1
    assert deltas[0] > 1 and deltas[-1] < answer_done[0] < len(events) - 1
    # Coze's verbose note follows the answer; cozepy reads it as a message of its own type.
    note = events[answer_done[0] + 1].message
    assert note is not None and note.type == MessageType.VERBOSE and "generate_answer_finish" in note.content

    created = chat_of(events, ChatEventType.CONVERSATION_CHAT_CREATED)
    assert created.status == ChatStatus.CREATED
    assert chat_of(events, ChatEventType.CONVERSATION_CHAT_IN_PROGRESS).status == ChatStatus.IN_PROGRESS
    completed = chat_of(events, ChatEventType.CONVERSATION_CHAT_COMPLETED)
    assert completed.status == ChatStatus.COMPLETED
    assert {e.chat.id for e in events if e.chat} == {created.id}
    assert {e.chat.conversation_id for e in events if e.chat} == {created.conversation_id}
    assert completed.bot_id == echo_bot.bot_id
    assert completed.meta_data == {"trace": "s1"}
    assert completed.completed_at and completed.created_at and completed.completed_at >= completed.created_at
    assert completed.last_error is None or completed.last_error.code == 0

    for event in events:
        if event.message is not None:
            assert event.message.role == MessageRole.ASSISTANT
            assert event.message.chat_id == created.id
            assert event.message.conversation_id == created.conversation_id
    joined, final = answer_text(events)
    assert joined == final == text

    usage = completed.usage
    assert usage is not None
    assert usage.output_count == words(text)
    assert usage.input_count >= words(text)
    assert usage.token_count == usage.input_count + usage.output_count

    fetched = coze.chat.retrieve(conversation_id=created.conversation_id, chat_id=created.id)
    assert fetched.status == ChatStatus.COMPLETED and fetched.usage == usage
    answers = list(coze.chat.messages.list(conversation_id=created.conversation_id, chat_id=created.id))
    assert [m.content for m in answers if m.type == "answer"] == [text]
    stored = coze.conversations.messages.list(conversation_id=created.conversation_id, order="asc").items
    assert [(m.role, m.type, m.content) for m in stored] == [
        (MessageRole.USER, "question", text),
        (MessageRole.ASSISTANT, "answer", text),
    ]
    assert {m.chat_id for m in stored} == {created.id}


def test_non_stream_create_is_in_progress_then_completes(coze: Coze, echo_bot: EchoBot) -> None:
    chat = coze.chat.create(bot_id=echo_bot.bot_id, user_id=USER, additional_messages=question("hello there"))
    # cozepy's create_and_poll polls only while the answer says in_progress.
    assert chat.status == ChatStatus.IN_PROGRESS
    assert chat.id and chat.conversation_id
    done = wait_chat(coze, chat.conversation_id, chat.id)
    assert done.status == ChatStatus.COMPLETED
    assert done.usage is not None and done.usage.output_count == 2
    messages = coze.chat.messages.list(conversation_id=chat.conversation_id, chat_id=chat.id)
    assert [m.content for m in messages if m.type == "answer"] == ["hello there"]


def test_create_and_poll(coze: Coze, echo_bot: EchoBot) -> None:
    polled = coze.chat.create_and_poll(
        bot_id=echo_bot.bot_id, user_id=USER, additional_messages=question("poll me please"), poll_timeout=30
    )
    assert polled.chat.status == ChatStatus.COMPLETED
    assert polled.messages is not None
    assert [m.content for m in polled.messages if m.type == "answer"] == ["poll me please"]
    assert all(m.chat_id == polled.chat.id for m in polled.messages)


def test_chat_in_an_existing_conversation_sends_the_history(coze: Coze, echo_bot: EchoBot) -> None:
    conversation = coze.conversations.create(bot_id=echo_bot.bot_id)
    first_q, second_q = "alpha beta gamma", "delta epsilon"
    first = chat_of(
        read_stream(
            coze.chat.stream(
                bot_id=echo_bot.bot_id,
                user_id=USER,
                conversation_id=conversation.id,
                additional_messages=question(first_q),
            )
        ),
        ChatEventType.CONVERSATION_CHAT_COMPLETED,
    )
    assert first.conversation_id == conversation.id
    second = chat_of(
        read_stream(
            coze.chat.stream(
                bot_id=echo_bot.bot_id,
                user_id=USER,
                conversation_id=conversation.id,
                additional_messages=question(second_q),
            )
        ),
        ChatEventType.CONVERSATION_CHAT_COMPLETED,
    )
    assert first.usage is not None and second.usage is not None
    # builtin-echo counts the words of every message it is sent: the second turn also carries the
    # first question and its answer (echoed, so the same words).
    assert second.usage.input_count == first.usage.input_count + words(first_q) + words(second_q)
    stored = coze.conversations.messages.list(conversation_id=conversation.id, order="asc").items
    assert [m.content for m in stored] == [first_q, first_q, second_q, second_q]
    assert [m.chat_id for m in stored] == [first.id, first.id, second.id, second.id]

    # After clearing the context the model sees the new question only.
    coze.conversations.clear(conversation_id=conversation.id)
    third = chat_of(
        read_stream(
            coze.chat.stream(
                bot_id=echo_bot.bot_id,
                user_id=USER,
                conversation_id=conversation.id,
                additional_messages=question(first_q),
            )
        ),
        ChatEventType.CONVERSATION_CHAT_COMPLETED,
    )
    assert third.usage is not None and third.usage.input_count == first.usage.input_count


def test_additional_messages_carry_context(coze: Coze, echo_bot: EchoBot) -> None:
    """Several additional messages: all are sent to the model, the last user one is answered."""
    context = [
        Message.build_user_question_text("one"),
        Message.build_assistant_answer("two three"),
        Message.build_user_question_text("four five six"),
    ]
    events = read_stream(coze.chat.stream(bot_id=echo_bot.bot_id, user_id=USER, additional_messages=context))
    single = read_stream(
        coze.chat.stream(bot_id=echo_bot.bot_id, user_id=USER, additional_messages=question("four five six"))
    )
    assert answer_text(events) == ("four five six", "four five six")
    with_context = chat_of(events, ChatEventType.CONVERSATION_CHAT_COMPLETED).usage
    alone = chat_of(single, ChatEventType.CONVERSATION_CHAT_COMPLETED).usage
    assert with_context is not None and alone is not None
    assert with_context.input_count == alone.input_count + 3


def test_follow_up_suggestions_of_an_agent_that_enables_them(
    coze: Coze, owner: Account, echo_model_id: str
) -> None:
    bot_id = create_echo_bot(coze, owner, echo_model_id, "suggesting", publish=False)
    coze.bots.update(
        bot_id=bot_id, suggest_reply_info=BotSuggestReplyInfo(reply_mode=SuggestReplyMode.ENABLE)
    )
    coze.bots.publish(bot_id=bot_id, connector_ids=[API_CONNECTOR])
    conversation = coze.conversations.create(bot_id=bot_id)
    first_q, second_q = "alpha beta gamma", "delta epsilon"

    def turn(text: str) -> tuple[list[Message], str]:
        events = read_stream(
            coze.chat.stream(
                bot_id=bot_id,
                user_id=USER,
                conversation_id=conversation.id,
                additional_messages=question(text),
            )
        )
        done = [
            e.message for e in events if e.event == ChatEventType.CONVERSATION_MESSAGE_COMPLETED and e.message
        ]
        return done, chat_of(events, ChatEventType.CONVERSATION_CHAT_COMPLETED).id

    messages, first_id = turn(first_q)
    # builtin-echo "suggests" the question-and-answer text it was asked about, on one line.
    assert [m.type for m in messages] == [MessageType.ANSWER, MessageType.VERBOSE, MessageType.FOLLOW_UP]
    follow_up = messages[-1]
    assert follow_up.content == f"Question: {first_q} Answer: {first_q}" and follow_up.chat_id == first_id
    listed = list(coze.chat.messages.list(conversation_id=conversation.id, chat_id=first_id))
    assert [(m.type, m.id) for m in listed] == [
        (MessageType.ANSWER, messages[0].id),
        (MessageType.FOLLOW_UP, follow_up.id),
    ]

    _, second_id = turn(second_q)
    first = coze.chat.retrieve(conversation_id=conversation.id, chat_id=first_id).usage
    second = coze.chat.retrieve(conversation_id=conversation.id, chat_id=second_id).usage
    assert first is not None and second is not None
    # Each run counts its answer and its suggestion call (which sees one question and one answer);
    # the second answer's prompt holds the first question and answer but not the suggestion.
    answer_growth = words(first_q) + words(second_q)
    suggestion_growth = 2 * (words(second_q) - words(first_q))
    assert second.input_count == first.input_count + answer_growth + suggestion_growth
