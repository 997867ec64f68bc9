"""Steering running chats over fakes: cancel (here and from another process), the tool loop,
abandoned runs, shutdown, titles, and reading a chat whose stream is gone."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest

from application.conversation.chat.commands import NewMessage, StartChat, ToolOutput
from application.conversation.chat.runner import ChatRunner
from domain.conversation.errors import (
    ChatNotAwaitingTools,
    ChatNotCancellable,
    ChatNotFound,
    InvalidChatRequest,
)
from domain.conversation.values import ChatStatus, MessageStatus, MessageType
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
        end_user="u",
        messages=[NewMessage("user", text)],
        conversation_id=conversation_id,
        **options,  # type: ignore[arg-type]
    )


SLOW = "/slow " + " ".join(f"w{i}" for i in range(40))


async def first_delta(k: ChatKit, chat_id: int) -> None:
    async for event in k.streams.read(str(chat_id)):
        if event.kind == "conversation.message.delta":
            return


async def words_so_far(k: ChatKit, chat_id: int) -> int:
    kinds = [e.kind async for e in k.streams.read(str(chat_id), follow=False)]
    return kinds.count("conversation.message.delta")


async def test_cancel_stops_generation_at_once_and_keeps_the_partial_answer(k: ChatKit) -> None:
    handle = await k.chats.start(actor(), ask(SLOW))
    await first_delta(k, handle.chat_id)
    seen = await words_so_far(k, handle.chat_id)
    chat = await k.chats.cancel(actor(), handle.conversation_id, handle.chat_id)
    assert chat.status == "canceled"
    assert await words_so_far(k, handle.chat_id) <= seen + 1  # stopped at once: at most the word in flight
    events = [e async for e in k.streams.read(str(handle.chat_id), follow=False)]
    assert [e.kind for e in events][-2:] == ["conversation.chat.canceled", "done"] and events[-1].final
    answer = await k.messages.get(handle.answer_id)
    assert answer is not None and answer.status is MessageStatus.INTERRUPTED
    assert answer.content.startswith("w0") and len(answer.content.split()) < 40
    run = await k.runs.get(handle.chat_id)
    assert run is not None and run.usage.output_count > 0  # estimated: the model never reported it
    with pytest.raises(ChatNotCancellable):  # 4104 once over
        await k.chats.cancel(actor(), handle.conversation_id, handle.chat_id)
    conversation = await k.conversations.get(handle.conversation_id)
    assert conversation is not None and conversation.running_chat_id is None


async def test_cancel_from_another_process_goes_through_the_flag(k: ChatKit) -> None:
    """A second runner on the same key-value store stands for another API process."""
    handle = await k.chats.start(actor(), ask(SLOW))
    await first_delta(k, handle.chat_id)
    elsewhere = ChatRunner(k.kv)
    assert elsewhere.local(handle.chat_id) is None
    await asyncio.sleep(0.1)  # old enough to be polled and to have a heartbeat
    assert await elsewhere.alive_elsewhere(handle.chat_id)
    seen = await words_so_far(k, handle.chat_id)
    await elsewhere.request_cancel(handle.chat_id)
    events = await k.events(handle)
    assert events[-2].kind == "conversation.chat.canceled"
    # Words come every 50 ms here: stopping within a second of generation leaves at most 20 more.
    assert await words_so_far(k, handle.chat_id) <= seen + 20


async def test_completed_and_failed_chats_are_not_cancellable(k: ChatKit) -> None:
    done = await k.chats.start(actor(), ask("quick"))
    await k.events(done)
    with pytest.raises(ChatNotCancellable):
        await k.chats.cancel(actor(), done.conversation_id, done.chat_id)
    with pytest.raises(ChatNotFound):
        await k.chats.cancel(actor(), done.conversation_id, 987654)


async def test_the_tool_loop_waits_for_outputs_and_resumes() -> None:
    k = kit()
    k.directory.put(agent_snapshot(tools=("get_weather",)))
    await k.runner.start()
    try:
        handle = await k.chats.start(actor(), ask('weather? /tool get_weather {"city": "Oslo"}'))
        events = await k.events(handle)
        assert [e.kind for e in events][-3:] == [
            "conversation.message.completed",
            "conversation.chat.requires_action",
            "done",
        ]
        assert not events[-1].final  # the stream continues after the outputs
        call_message, waiting = events[-3].data, events[-2].data
        assert call_message["type"] == "function_call"
        assert json.loads(call_message["content"])["arguments"] == {"city": "Oslo"}
        calls = waiting["required_action"]["submit_tool_outputs"]["tool_calls"]
        assert waiting["status"] == "requires_action" and len(calls) == 1
        call = calls[0]
        assert call["type"] == "function" and call["function"]["name"] == "get_weather"
        assert json.loads(call["function"]["arguments"]) == {"city": "Oslo"}
        conversation = await k.conversations.get(handle.conversation_id)
        assert conversation is not None and conversation.running_chat_id == handle.chat_id  # claim kept
        with pytest.raises(ChatNotCancellable):
            await k.chats.cancel(actor(), handle.conversation_id, handle.chat_id)

        with pytest.raises(InvalidChatRequest):
            await k.chats.submit_tool_outputs(
                actor(), handle.conversation_id, handle.chat_id, [ToolOutput("nope", "x")]
            )
        resumed = await k.chats.submit_tool_outputs(
            actor(), handle.conversation_id, handle.chat_id, [ToolOutput(call["id"], "sunny and mild")]
        )
        assert resumed.chat_id == handle.chat_id and resumed.after == events[-1].offset
        more = await k.events(resumed)
        assert more[0].kind == "conversation.chat.in_progress"
        assert [e.kind for e in more][-2:] == ["conversation.chat.completed", "done"] and more[-1].final
        answer = next(e.data for e in more if e.kind == "conversation.message.completed")
        assert answer["content"] == "sunny and mild" and answer["type"] == "answer"
        # The model saw the call and its output, paired by id.
        tool_message = k.model.requests[-1].messages[-1]
        assert tool_message.tool_call_id == call["id"] and tool_message.content == "sunny and mild"
        assert k.model.requests[-1].messages[-2].tool_calls[0].name == "get_weather"

        written = await k.chats.messages(actor(), handle.conversation_id, handle.chat_id)
        assert [m.type for m in written] == ["function_call", "tool_output", "answer"]
        run = await k.runs.get(handle.chat_id)
        assert run is not None and run.status is ChatStatus.COMPLETED
        per_message = sum(m.usage.output_count for m in await k.messages.for_chat(handle.chat_id))
        assert run.usage.output_count == per_message > 0  # summed over both segments
        with pytest.raises(ChatNotAwaitingTools):
            await k.chats.submit_tool_outputs(
                actor(), handle.conversation_id, handle.chat_id, [ToolOutput(call["id"], "x")]
            )
    finally:
        await k.runner.stop()


async def test_a_tool_the_agent_does_not_have_is_an_error_result_for_the_model(k: ChatKit) -> None:
    handle = await k.chats.start(actor(), ask("/tool rm_rf {}"))
    events = await k.events(handle)
    assert events[-2].kind == "conversation.chat.completed"
    completed = [e.data for e in events if e.kind == "conversation.message.completed"]
    assert [m["type"] for m in completed][:2] == ["function_call", "tool_response"]
    assert json.loads(completed[1]["content"]) == {"error": "there is no tool named 'rm_rf'"}
    # The model read the error and answered with it (builtin-echo repeats tool results).
    answer = next(m for m in completed if m["type"] == "answer")
    assert "no tool named" in answer["content"]
    run = await k.runs.get(handle.chat_id)
    assert run is not None and run.answer_id == int(answer["id"])
    chain = await k.messages.for_chat(handle.chat_id)
    assert [m.type.value for m in sorted(chain, key=lambda m: m.id)] == [
        "question",
        "function_call",
        "tool_response",
        "answer",
    ]


async def test_abandoned_tool_calls_expire(k: ChatKit) -> None:
    k.directory.put(agent_snapshot(tools=("lookup",)))
    handle = await k.chats.start(actor(), ask("/tool lookup {}"))
    await k.events(handle)
    k.clock.advance(k.liveness.tool_wait_s + 1)
    chat = await k.chats.retrieve(actor(), handle.conversation_id, handle.chat_id)
    assert chat.status == "failed" and chat.last_error.code == 4001
    conversation = await k.conversations.get(handle.conversation_id)
    assert conversation is not None and conversation.running_chat_id is None
    tail = [e async for e in k.streams.read(str(handle.chat_id), follow=False)]
    assert [e.kind for e in tail][-2:] == ["conversation.chat.failed", "done"] and tail[-1].final


async def test_shutdown_fails_running_chats_cleanly() -> None:
    k = kit()
    await k.runner.start()
    handle = await k.chats.start(actor(), ask(SLOW))
    await first_delta(k, handle.chat_id)
    await k.runner.stop()
    run = await k.runs.get(handle.chat_id)
    assert run is not None and run.status is ChatStatus.FAILED and "server stopped" in run.last_error.msg
    events = [e async for e in k.streams.read(str(handle.chat_id), follow=False)]
    assert [e.kind for e in events][-2:] == ["conversation.chat.failed", "done"]


async def test_a_reader_of_a_chat_whose_writer_died_is_not_left_waiting(k: ChatKit) -> None:
    """The stream goes quiet without a `done`: the reader's idle check fails the run."""
    handle = await k.chats.start(actor(), ask(SLOW))
    await first_delta(k, handle.chat_id)
    live = k.runner.local(handle.chat_id)
    assert live is not None and live.task is not None
    # Make the generation vanish the way a dead process does: no outcome, no heartbeat.
    live.finishing = True
    k.runner._runs.pop(handle.chat_id)
    live.task.cancel()
    await asyncio.sleep(0.05)
    await k.kv.delete(f"chat.alive.{handle.chat_id}")
    k.clock.advance(60)
    async with asyncio.timeout(5):
        events = await k.events(handle)
    assert events[-2].kind == "conversation.chat.failed" and events[-1].kind == "done"


async def test_a_chat_whose_stream_expired_is_read_from_the_database() -> None:
    k = kit(streams=InProcessRunStreams(ttl=0.2))
    await k.runner.start()
    try:
        handle = await k.chats.start(actor(), ask("remember me"))
        await k.events(handle)
        await asyncio.sleep(0.3)
        events = await k.events(handle)
        assert [e.kind for e in events] == [
            "conversation.message.completed",
            "conversation.chat.completed",
            "done",
        ]
        assert events[0].data["content"] == "remember me" and events[-1].final
    finally:
        await k.runner.stop()


async def test_reattach_by_message_or_chat_replays_from_the_offset(k: ChatKit) -> None:
    handle = await k.chats.start(actor(), ask("one two three"))
    everything = await k.events(handle)
    again = await k.chats.reattach(actor(), handle.conversation_id, message_id=handle.answer_id)
    assert [e.offset for e in await k.events(again)] == [e.offset for e in everything]
    later = await k.chats.reattach(
        actor(), handle.conversation_id, chat_id=handle.chat_id, after=everything[3].offset
    )
    assert [e.offset for e in await k.events(later)] == [e.offset for e in everything[4:]]


async def test_break_message_stops_the_chat_answering_a_question(k: ChatKit) -> None:
    handle = await k.chats.start(actor(), ask(SLOW))
    await first_delta(k, handle.chat_id)
    run = await k.chats.break_message(actor(), handle.conversation_id, handle.question_id, None)
    assert run is not None and run.status is ChatStatus.CANCELED
    again = await k.chats.break_message(actor(), handle.conversation_id, None, handle.answer_id)
    assert again is not None and again.status is ChatStatus.CANCELED  # already over: fine


async def test_titles_come_from_the_model_after_the_first_turn() -> None:
    k = kit(title_mode="always")
    await k.runner.start()
    try:
        handle = await k.chats.start(actor(), ask("Trip to Kyoto"))
        await k.events(handle)
        for _ in range(50):
            conversation = await k.conversations.get(handle.conversation_id)
            if conversation is not None and conversation.name:
                break
            await asyncio.sleep(0.01)
        assert conversation is not None and conversation.name  # the echo of the title prompt's source
        assert k.model.requests[-1].messages[0].content.startswith("Write a short title")
    finally:
        await k.runner.stop()
    quiet = kit()  # "auto" skips built-in models
    quiet.facts.builtin = True
    await quiet.runner.start()
    try:
        handle = await quiet.chats.start(actor(), ask("Trip to Kyoto"))
        await quiet.events(handle)
        await asyncio.sleep(0.05)
        conversation = await quiet.conversations.get(handle.conversation_id)
        assert conversation is not None and conversation.name == ""
        assert len(quiet.model.requests) == 1
    finally:
        await quiet.runner.stop()


async def test_the_function_call_message_replaces_an_empty_answer(k: ChatKit) -> None:
    k.directory.put(agent_snapshot(tools=("a",)))
    handle = await k.chats.start(actor(), ask("/tool a {}"))
    await k.events(handle)
    message = await k.messages.get(handle.answer_id)
    assert message is not None and message.type is MessageType.FUNCTION_CALL
