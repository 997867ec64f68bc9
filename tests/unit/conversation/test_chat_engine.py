"""The run engine over fakes: events, persistence at start and end, prompts, history, branches."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from typing import Any

import pytest

from application.conversation.chat.commands import NewMessage, StartChat
from application.conversation.chat.starting import ChatHandle
from crossdomain.agent import AgentVariable
from domain.common.errors import Unavailable
from domain.common.llm import ChatChunk, ChatRequest, Role, Usage
from domain.conversation.errors import (
    AgentNotAvailable,
    AgentNotPublished,
    ChatAlreadyRunning,
    ConversationNotFound,
    InvalidConversation,
    InvalidMessage,
)
from domain.conversation.values import ChatStatus, MessageStatus
from infra.runstream.inprocess import InProcessRunStreams
from tests.support.chat_kit import ChatKit, actor, kit
from tests.support.conversation_fakes import agent_snapshot


@pytest.fixture
async def k() -> AsyncIterator[ChatKit]:
    chat_kit = kit()
    await chat_kit.runner.start()
    yield chat_kit
    await chat_kit.runner.stop()


def ask(text: str, conversation_id: int | None = None, **options: object) -> StartChat:
    return StartChat(
        agent_id=100,
        end_user="end-user-1",
        messages=[NewMessage("user", text)],
        conversation_id=conversation_id,
        **options,  # type: ignore[arg-type]
    )


async def turn(k: ChatKit, text: str, conversation_id: int | None = None, **options: object) -> ChatHandle:
    handle = await k.chats.start(actor(), ask(text, conversation_id, **options))
    await k.events(handle)
    return handle


async def test_a_turn_streams_every_event_and_persists_at_start_and_end(k: ChatKit) -> None:
    handle = await k.chats.start(actor(), ask("hello brave new world", meta_data={"order": "7"}))
    assert handle.chat.status == "in_progress"
    # Written at the start: the question, the streaming answer, the run, the claimed conversation.
    conversation = await k.conversations.get(handle.conversation_id)
    assert conversation is not None and conversation.running_chat_id == handle.chat_id
    events = await k.events(handle)
    kinds = [e.kind for e in events]
    assert kinds == [
        "conversation.chat.created",
        "conversation.chat.in_progress",
        *["conversation.message.delta"] * 4,
        "conversation.message.completed",  # the answer
        "conversation.message.completed",  # Coze's verbose note that the answer is finished
        "conversation.chat.completed",
        "done",
    ]
    assert events[-1].final and not any(e.final for e in events[:-1])
    note = events[-3].data
    assert note["type"] == "verbose" and note["id"] != str(handle.answer_id)
    assert json.loads(note["content"]) == {
        "msg_type": "generate_answer_finish",
        "data": '{"finish_reason":0,"FinData":""}',
        "from_module": None,
        "from_unit": None,
    }
    assert note["chat_id"] == str(handle.chat_id) and note["role"] == "assistant"
    assert "".join(e.data["content"] for e in events if e.kind.endswith("delta")) == "hello brave new world"
    assert events[0].data["status"] == "created" and events[-2].data["status"] == "completed"
    assert events[-2].data["meta_data"] == {"order": "7"}

    run = await k.runs.get(handle.chat_id)
    answer = await k.messages.get(handle.answer_id)
    conversation = await k.conversations.get(handle.conversation_id)
    assert run is not None and answer is not None and conversation is not None
    assert run.status is ChatStatus.COMPLETED and run.completed_at is not None
    assert answer.content == "hello brave new world" and answer.status is MessageStatus.AVAILABLE
    # Usage per run and per answer: the echo model counts words.
    assert run.usage.output_count == 4 == answer.usage.output_count
    assert run.usage.input_count == answer.usage.input_count > 4
    assert events[-2].data["usage"]["token_count"] == run.usage.token_count
    assert conversation.running_chat_id is None and conversation.leaf_message_id == answer.id


async def test_the_system_prompt_has_persona_variables_time_and_name(k: ChatKit) -> None:
    k.directory.put(
        agent_snapshot(
            persona="Greet {{ name }} from {{ city }}.{{ hidden }}",
            variables=(
                AgentVariable("name", "guest"),
                AgentVariable("city", "Oslo"),
                AgentVariable("hidden", "SECRET", prompt_enabled=False),
            ),
            name="Concierge",
        )
    )
    await turn(k, "hi", custom_variables={"city": "Lyon"})
    system = k.model.requests[-1].messages[0]
    assert system.role is Role.SYSTEM
    assert '"Concierge"' in system.content
    assert "Greet guest from Lyon." in system.content and "SECRET" not in system.content
    assert "The current time is 2026-03-01 12:00 UTC (Sunday)." in system.content

    k.directory.put(agent_snapshot(current_time=False))
    await turn(k, "hi")
    assert "current time" not in k.model.requests[-1].messages[0].content


async def test_history_is_the_branch_within_the_window_of_rounds(k: ChatKit) -> None:
    k.directory.put(agent_snapshot(history_rounds=2))
    first = await turn(k, "one")
    for word in ("two", "three", "four"):
        await turn(k, word, first.conversation_id)
    seen = [(m.role, m.content) for m in k.model.requests[-1].messages[1:]]
    assert seen == [
        (Role.USER, "two"),
        (Role.ASSISTANT, "two"),
        (Role.USER, "three"),
        (Role.ASSISTANT, "three"),
        (Role.USER, "four"),
    ]


async def test_regenerate_branches_a_new_answer_and_edit_branches_a_new_question(k: ChatKit) -> None:
    first = await turn(k, "alpha")
    second = await turn(k, "beta", first.conversation_id)
    regen = await k.chats.start(
        actor(),
        StartChat(
            agent_id=100, end_user="u", conversation_id=first.conversation_id, regenerate_id=second.answer_id
        ),
    )
    await k.events(regen)
    old, new = await k.messages.get(second.answer_id), await k.messages.get(regen.answer_id)
    assert old is not None and new is not None
    assert new.parent_id == old.parent_id == second.question_id  # siblings under the same question
    assert regen.question_id == second.question_id
    assert [m.content for m in k.model.requests[-1].messages[1:]] == ["alpha", "alpha", "beta"]

    edited = await k.chats.start(
        actor(),
        StartChat(
            agent_id=100,
            end_user="u",
            conversation_id=first.conversation_id,
            messages=[NewMessage("user", "gamma")],
            edit_id=second.question_id,
        ),
    )
    await k.events(edited)
    question = await k.messages.get(edited.question_id or 0)
    assert question is not None and question.parent_id == first.answer_id  # beside "beta"
    assert [m.content for m in k.model.requests[-1].messages[1:]] == ["alpha", "alpha", "gamma"]
    conversation = await k.conversations.get(first.conversation_id)
    assert conversation is not None and conversation.leaf_message_id == edited.answer_id
    # The next turn continues the edited branch: "beta" is no longer in the history.
    await turn(k, "delta", first.conversation_id)
    assert [m.content for m in k.model.requests[-1].messages[1:]] == [
        "alpha",
        "alpha",
        "gamma",
        "gamma",
        "delta",
    ]


async def test_a_question_sent_earlier_is_answered_without_new_messages(k: ChatKit) -> None:
    first = await turn(k, "alpha")
    conversation = await k.conversations.get(first.conversation_id)
    assert conversation is not None
    with pytest.raises(InvalidMessage):  # the leaf is an answer: nothing to answer
        await k.chats.start(
            actor(), StartChat(agent_id=100, end_user="u", conversation_id=first.conversation_id)
        )


async def test_model_error_mid_stream_fails_the_run_with_a_well_formed_stream(k: ChatKit) -> None:
    handle = await k.chats.start(actor(), ask("one two three four /fail-after 2"))
    events = await k.events(handle)
    kinds = [e.kind for e in events]
    assert kinds[-3:] == ["conversation.message.completed", "conversation.chat.failed", "done"]
    assert kinds.count("conversation.message.delta") == 2 and events[-1].final
    failed = events[-2].data
    assert failed["status"] == "failed" and failed["last_error"]["code"] == 5020 and failed["failed_at"]
    run, answer = await k.runs.get(handle.chat_id), await k.messages.get(handle.answer_id)
    assert run is not None and run.status is ChatStatus.FAILED and run.last_error.code == 5020
    assert answer is not None and answer.status is MessageStatus.FAILED and answer.content == "one two"
    conversation = await k.conversations.get(handle.conversation_id)
    assert conversation is not None and conversation.running_chat_id is None  # the next chat may run


async def test_a_failure_before_any_output_keeps_no_answer_text(k: ChatKit) -> None:
    handle = await k.chats.start(actor(), ask("please /fail"))
    events = await k.events(handle)
    assert [e.kind for e in events][-2:] == ["conversation.chat.failed", "done"]
    assert "conversation.message.delta" not in [e.kind for e in events]


async def test_one_running_chat_per_conversation_and_nothing_half_written(k: ChatKit) -> None:
    first = await k.chats.start(actor(), ask("slowly now /slow a b c d e f g"))
    before = {name: dict(rows) for name, rows in k.store.tables.items()}
    with pytest.raises(ChatAlreadyRunning):
        await k.chats.start(actor(), ask("me too", first.conversation_id))
    assert {name: dict(rows) for name, rows in k.store.tables.items()} == before
    await k.events(first)
    await turn(k, "now me", first.conversation_id)


async def test_a_run_whose_process_died_is_failed_and_the_conversation_taken_over(k: ChatKit) -> None:
    first = await turn(k, "alpha")
    # A run another process started and then died with: in progress, claimed, no heartbeat.
    run = await k.runs.get(first.chat_id)
    conversation = await k.conversations.get(first.conversation_id)
    assert run is not None and conversation is not None
    run.status, run.completed_at = ChatStatus.IN_PROGRESS, None
    await k.runs.save(run)
    conversation.running_chat_id, conversation.running_since = run.id, k.clock.now()
    await k.conversations.save(conversation)
    with pytest.raises(ChatAlreadyRunning):  # young: it may still write its heartbeat
        await k.chats.start(actor(), ask("beta", first.conversation_id))
    k.clock.advance(30)
    second = await turn(k, "beta", first.conversation_id)
    dead = await k.runs.get(first.chat_id)
    assert dead is not None and dead.status is ChatStatus.FAILED and "stopped" in dead.last_error.msg
    assert second.chat_id != first.chat_id


async def test_caller_and_agent_rules(k: ChatKit) -> None:
    first = await turn(k, "alpha")
    with pytest.raises(ConversationNotFound):  # another user's conversation: 4200
        await k.chats.start(actor(2), ask("hi", first.conversation_id))
    k.directory.put(agent_snapshot(agent_id=200))
    with pytest.raises(InvalidConversation):  # another agent's conversation: 4002
        await k.chats.start(
            actor(),
            StartChat(
                agent_id=200,
                end_user="u",
                messages=[NewMessage("user", "x")],
                conversation_id=first.conversation_id,
            ),
        )
    with pytest.raises(InvalidConversation):  # the playground's conversations are not the API's
        await k.chats.start(actor(), ask("x", first.conversation_id, draft=True))
    with pytest.raises(AgentNotAvailable):
        await k.chats.start(
            actor(), StartChat(agent_id=999, end_user="u", messages=[NewMessage("user", "x")])
        )
    k.directory.put(agent_snapshot(agent_id=300), published=False)
    with pytest.raises(AgentNotPublished):
        await k.chats.start(
            actor(), StartChat(agent_id=300, end_user="u", messages=[NewMessage("user", "x")])
        )
    draft = await k.chats.start(
        actor(), StartChat(agent_id=300, end_user="u", messages=[NewMessage("user", "x")], draft=True)
    )
    await k.events(draft)
    k.permissions.allowed = False
    with pytest.raises(AgentNotAvailable):  # not in the caller's reach: as if unknown
        await k.chats.start(actor(), ask("x"))
    with pytest.raises(AgentNotAvailable):
        await k.chats.start(
            actor(), StartChat(agent_id=300, end_user="u", messages=[NewMessage("user", "x")])
        )


async def test_without_auto_save_history_nothing_enters_the_conversation(k: ChatKit) -> None:
    handle = await k.chats.start(actor(), ask("keep this out", auto_save_history=False))
    events = await k.events(handle)
    assert events[-2].data["status"] == "completed"
    assert await k.messages.get(handle.answer_id) is None
    conversation = await k.conversations.get(handle.conversation_id)
    assert conversation is not None and conversation.leaf_message_id is None
    run = await k.runs.get(handle.chat_id)
    assert run is not None and run.status is ChatStatus.COMPLETED and run.usage.output_count == 3


class ReasoningModel:
    """Thinks aloud first, then answers, and reports its own usage."""

    def stream(self, request: ChatRequest) -> AsyncIterator[ChatChunk]:
        async def chunks() -> AsyncIterator[ChatChunk]:
            yield ChatChunk(reasoning="let me think")
            yield ChatChunk(text="42")
            yield ChatChunk(usage=Usage(100, 7), finish_reason="stop")

        return chunks()


async def test_reasoning_is_streamed_and_kept_and_reported_usage_wins() -> None:
    k = kit(ReasoningModel())
    await k.runner.start()
    try:
        handle = await k.chats.start(actor(), ask("meaning?"))
        events = await k.events(handle)
        deltas = [e.data for e in events if e.kind == "conversation.message.delta"]
        assert deltas[0]["reasoning_content"] == "let me think" and deltas[0]["content"] == ""
        completed = next(e.data for e in events if e.kind == "conversation.message.completed")
        assert completed["content"] == "42" and completed["reasoning_content"] == "let me think"
        run = await k.runs.get(handle.chat_id)
        assert run is not None and (run.usage.input_count, run.usage.output_count) == (100, 7)
    finally:
        await k.runner.stop()


async def test_object_string_questions_reach_the_model_as_text_with_file_links(k: ChatKit) -> None:
    from crossdomain.upload import UploadedFile

    k.files.files[55] = UploadedFile(55, 1, "cat.png", "image/png", 10, "k", "https://files/cat.png")
    parts = [{"type": "text", "text": "what is this?"}, {"type": "image", "file_id": "55"}]
    await turn_object(k, json.dumps(parts))
    assert (
        k.model.requests[-1].messages[-1].content == "what is this?\n[image cat.png: https://files/cat.png]"
    )
    with pytest.raises(InvalidMessage):  # someone else's (or no) file
        await turn_object(k, json.dumps([{"type": "file", "file_id": "56"}]))


async def turn_object(k: ChatKit, content: str) -> None:
    message = NewMessage("user", content, content_type="object_string")
    handle = await k.chats.start(actor(), StartChat(agent_id=100, end_user="u", messages=[message]))
    await k.events(handle)


async def test_messages_of_a_chat_are_what_it_wrote(k: ChatKit) -> None:
    handle = await turn(k, "alpha beta")
    listed = await k.chats.messages(actor(), handle.conversation_id, handle.chat_id)
    assert [(m.role, m.type, m.content) for m in listed] == [("assistant", "answer", "alpha beta")]
    assert listed[0].chat_id == handle.chat_id
    with pytest.raises(ConversationNotFound):
        await k.chats.messages(actor(2), handle.conversation_id, handle.chat_id)


class BrokenStreams(InProcessRunStreams):
    """A run stream that is down: every append fails."""

    async def append(self, run_id: str, kind: str, data: Mapping[str, Any]) -> int:
        raise RunStreamDown()


class RunStreamDown(Unavailable):
    message_key = "runstream.unavailable"


async def test_a_stream_that_fails_after_the_commit_fails_the_run_at_once() -> None:
    k = kit(streams=BrokenStreams())
    await k.runner.start()
    try:
        with pytest.raises(RunStreamDown):
            await k.chats.start(actor(), ask("hello"))
        (run,) = k.store.tables["runs"].values()
        assert run.status is ChatStatus.FAILED and "could not be started" in run.last_error.msg
        conversation = await k.conversations.get(run.conversation_id)
        assert conversation is not None and conversation.running_chat_id is None
        assert k.runner.running() == 0  # nothing was launched
    finally:
        await k.runner.stop()
