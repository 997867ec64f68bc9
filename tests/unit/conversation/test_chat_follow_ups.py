"""Follow-up suggestions over fakes: asked of the turn's model after a completed answer, parsed,
stored as the chat's follow_up messages, streamed before the chat's end, kept out of the history."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from application.conversation.chat.commands import NewMessage, StartChat
from application.conversation.chat.followups import (
    MAX_SUGGESTION_CHARS,
    SUGGESTION_INSTRUCTION,
    FollowUpSuggester,
    parse_suggestions,
)
from application.conversation.chat.starting import ChatHandle
from crossdomain.agent import AgentModelConfig
from domain.common.llm import ChatChunk, ChatRequest, ModelProviderError, Role, Usage
from domain.conversation.entities import Message
from domain.conversation.values import ChatStatus, MessageRole, MessageStatus, MessageType
from infra.runstream.inprocess import InProcessRunStreams
from tests.support.chat_kit import ChatKit, actor, kit
from tests.support.conversation_fakes import FakeModelRuntime, agent_snapshot
from tests.support.fakes import CountingIds

MODEL_ID = 7
SUGGESTED = (
    "Here are some questions:\n1. How far is it?\n2) **Is it safe?**\n\n- how far is it?\n3. Why?\n4. More?"
)


class Scripted:
    """Answers each turn with its question reversed, and every suggestion request with `suggestion`
    (or fails when it is None); usage is reported, so the test can add it up exactly."""

    def __init__(self, suggestion: str | None = SUGGESTED) -> None:
        self.suggestion = suggestion
        self.requests: list[ChatRequest] = []

    def stream(self, request: ChatRequest) -> AsyncIterator[ChatChunk]:
        self.requests.append(request)
        return self._stream(request)

    async def _stream(self, request: ChatRequest) -> AsyncIterator[ChatChunk]:
        if _is_suggestion(request):
            if self.suggestion is None:
                raise ModelProviderError(status=503, detail="suggestions are down")
            yield ChatChunk(text=self.suggestion)
            yield ChatChunk(usage=Usage(30, 9), finish_reason="stop")
            return
        question = next(m.content for m in reversed(request.messages) if m.role is Role.USER)
        for word in reversed(question.split()):
            yield ChatChunk(text=word + " ")
        yield ChatChunk(usage=Usage(100, 5), finish_reason="stop")


def _is_suggestion(request: ChatRequest) -> bool:
    return request.messages[-1].content.startswith("Question: ")


async def started(model: Scripted, *, prompt: str = "", on: bool = True, **options: object) -> ChatKit:
    k = kit(model, title_mode="off", **options)  # type: ignore[arg-type]
    snapshot = agent_snapshot()
    k.directory.put(
        replace(
            snapshot,
            model=AgentModelConfig(MODEL_ID, {"temperature": 0.3}, 3, False),
            follow_up_suggestions=on,
            follow_up_prompt=prompt,
        )
    )
    await k.runner.start()
    return k


async def turn(k: ChatKit, text: str, conversation_id: int | None = None, **options: object) -> ChatHandle:
    request = StartChat(
        agent_id=100,
        end_user="end-user-1",
        messages=[NewMessage("user", text)],
        conversation_id=conversation_id,
        **options,  # type: ignore[arg-type]
    )
    return await k.chats.start(actor(), request)


@pytest.fixture
async def model() -> Scripted:
    return Scripted()


async def test_suggestions_follow_the_answer_are_stored_and_counted(model: Scripted) -> None:
    k = await started(model)
    try:
        handle = await turn(k, "the moon is far")
        events = await k.events(handle)
        completed = [e.data for e in events if e.kind == "conversation.message.completed"]
        assert [m["type"] for m in completed] == ["answer", "verbose", "follow_up", "follow_up", "follow_up"]
        assert [m["content"] for m in completed[2:]] == ["How far is it?", "Is it safe?", "Why?"]
        kinds = [e.kind for e in events]
        assert kinds[-2:] == ["conversation.chat.completed", "done"]
        assert kinds.index("conversation.chat.completed") > max(
            i for i, e in enumerate(events) if e.data.get("type") == "follow_up"
        )

        # The same model, asked with the platform's instruction about this question and answer.
        assert k.runtime.asked == [MODEL_ID, MODEL_ID]
        asked = model.requests[1]
        assert asked.messages[0].role is Role.SYSTEM and asked.messages[0].content == SUGGESTION_INSTRUCTION
        assert asked.messages[1].content == "Question: the moon is far\nAnswer: far is moon the "
        assert asked.tools == ()

        question, answer, *follow_ups = await k.messages.for_chat(handle.chat_id)
        assert question.type is MessageType.QUESTION
        assert answer.type is MessageType.ANSWER and answer.status is MessageStatus.AVAILABLE
        assert [m.content for m in follow_ups] == ["How far is it?", "Is it safe?", "Why?"]
        assert all(
            m.type is MessageType.FOLLOW_UP
            and m.role is MessageRole.ASSISTANT
            and m.parent_id == answer.id
            and m.chat_id == handle.chat_id
            for m in follow_ups
        )
        assert [str(m.id) for m in follow_ups] == [m["id"] for m in completed[2:]]
        listed = await k.chats.messages(actor(), handle.conversation_id, handle.chat_id)
        assert [(m.type, m.content) for m in listed] == [
            ("answer", "far is moon the "),
            *[("follow_up", m.content) for m in follow_ups],
        ]  # the verbose note is stream-only

        # Usage: the answer's plus the suggestion call's, which the first follow-up carries.
        run = await k.runs.get(handle.chat_id)
        conversation = await k.conversations.get(handle.conversation_id)
        assert run is not None and conversation is not None and run.status is ChatStatus.COMPLETED
        assert (answer.usage.input_count, answer.usage.output_count) == (100, 5)
        assert (run.usage.input_count, run.usage.output_count) == (130, 14)
        assert [m.usage.token_count for m in follow_ups] == [39, 0, 0]
        assert events[-2].data["usage"]["token_count"] == 144
        assert conversation.leaf_message_id == answer.id and conversation.running_chat_id is None
    finally:
        await k.runner.stop()


async def test_the_next_turn_does_not_see_the_suggestions(model: Scripted) -> None:
    k = await started(model)
    try:
        first = await turn(k, "alpha beta")
        await k.events(first)
        second = await turn(k, "gamma", first.conversation_id)
        events = await k.events(second)
        assert (
            next(e.data["content"] for e in events if e.data.get("type") == "follow_up") == "How far is it?"
        )
        answer_request = model.requests[2]
        assert [(m.role, m.content) for m in answer_request.messages[1:]] == [
            (Role.USER, "alpha beta"),
            (Role.ASSISTANT, "beta alpha "),
            (Role.USER, "gamma"),
        ]
        stored = await k.messages.get(second.question_id or 0)
        assert stored is not None and stored.parent_id == first.answer_id
    finally:
        await k.runner.stop()


async def test_an_expired_stream_is_replayed_with_the_stored_suggestions(model: Scripted) -> None:
    k = await started(model, streams=InProcessRunStreams(ttl=0.2))
    try:
        handle = await turn(k, "remember me")
        await k.events(handle)
        await asyncio.sleep(0.3)
        replayed = await k.events(handle)
        assert [(e.kind, e.data.get("type")) for e in replayed] == [
            ("conversation.message.completed", "answer"),
            *[("conversation.message.completed", "follow_up")] * 3,
            ("conversation.chat.completed", None),
            ("done", None),
        ]
    finally:
        await k.runner.stop()


async def test_the_customized_prompt_is_the_instruction(model: Scripted) -> None:
    k = await started(model, prompt="Suggest questions about space travel.")
    try:
        await k.events(await turn(k, "mars"))
        assert model.requests[1].messages[0].content == "Suggest questions about space travel."
    finally:
        await k.runner.stop()


async def test_a_failing_suggestion_call_leaves_the_turn_complete_without_suggestions() -> None:
    model = Scripted(suggestion=None)
    k = await started(model)
    try:
        handle = await turn(k, "one two")
        events = await k.events(handle)
        assert [e.data.get("type") for e in events if e.kind == "conversation.message.completed"] == [
            "answer",
            "verbose",
        ]
        assert events[-2].kind == "conversation.chat.completed" and len(model.requests) == 2
        run = await k.runs.get(handle.chat_id)
        assert run is not None and run.status is ChatStatus.COMPLETED and run.last_error.code == 0
        assert (run.usage.input_count, run.usage.output_count) == (100, 5)
        assert [m.type for m in await k.messages.for_chat(handle.chat_id)] == [
            MessageType.QUESTION,
            MessageType.ANSWER,
        ]
    finally:
        await k.runner.stop()


async def test_agents_without_suggestions_are_not_asked(model: Scripted) -> None:
    k = await started(model, on=False)
    try:
        handle = await turn(k, "one two")
        events = await k.events(handle)
        assert [e.data.get("type") for e in events if e.kind == "conversation.message.completed"] == [
            "answer",
            "verbose",
        ]
        assert len(model.requests) == 1
    finally:
        await k.runner.stop()


async def test_without_auto_save_history_suggestions_are_streamed_not_stored(model: Scripted) -> None:
    k = await started(model)
    try:
        handle = await turn(k, "one two", auto_save_history=False)
        events = await k.events(handle)
        assert sum(e.data.get("type") == "follow_up" for e in events) == 3
        assert await k.messages.for_chat(handle.chat_id) == []
    finally:
        await k.runner.stop()


async def test_a_failed_turn_gets_no_suggestions(model: Scripted) -> None:
    k = await started(model)
    try:
        k.runtime.model = Failing()
        handle = await turn(k, "one two")
        events = await k.events(handle)
        assert events[-2].kind == "conversation.chat.failed"
        assert not any(e.data.get("type") in ("follow_up", "verbose") for e in events)
        assert model.requests == []
    finally:
        await k.runner.stop()


class Failing:
    """Breaks mid-answer."""

    def stream(self, request: ChatRequest) -> AsyncIterator[ChatChunk]:
        return self._fail()

    async def _fail(self) -> AsyncIterator[ChatChunk]:
        yield ChatChunk(text="half")
        raise ModelProviderError(status=500, detail="broke")


class Hanging:
    def stream(self, request: ChatRequest) -> AsyncIterator[ChatChunk]:
        return self._hang()

    async def _hang(self) -> AsyncIterator[ChatChunk]:
        await asyncio.Event().wait()
        yield ChatChunk(text="never")


async def test_a_stuck_suggestion_call_gives_up_after_its_timeout() -> None:
    suggester = FollowUpSuggester(FakeModelRuntime(Hanging()), CountingIds(), timeout_s=0.05)
    answer = Message(1, 2, 3, None, MessageRole.ASSISTANT, MessageType.ANSWER, "hi", chat_id=4)
    found = await suggester.suggest(agent_snapshot(), [], {}, answer, datetime(2026, 3, 1, tzinfo=UTC))
    assert found.messages == [] and found.usage.token_count == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (SUGGESTED, ["How far is it?", "Is it safe?", "Why?"]),
        ("\u2460 \u7b2c\u4e00\n2\u3001\u7b2c\u4e8c\nQ3: third?", ["\u7b2c\u4e00", "\u7b2c\u4e8c", "third?"]),
        ('"Quoted?"\n  \n* starred\n(2) paren', ["Quoted?", "starred", "paren"]),
        ("3.5 or 4?\n2024 plans?", ["3.5 or 4?", "2024 plans?"]),
        ("", []),
        ("Suggestions:\n\n", []),
    ],
)
def test_parsing_takes_one_suggestion_a_line(text: str, expected: list[str]) -> None:
    assert parse_suggestions(text) == expected


def test_long_suggestions_are_cut() -> None:
    (line,) = parse_suggestions("x" * 500)
    assert len(line) == MAX_SUGGESTION_CHARS and line.endswith("\u2026")
