"""A chat whose run stream breaks: the generation cannot write it, a reader cannot read it, or a
read stalls. Every reader still ends with the chat's outcome and `done`; the run is failed (or
kept as it ended) in the database, never left running, never overwritten."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from typing import Any, Literal

import pytest

from application.conversation.chat.commands import NewMessage, StartChat
from application.conversation.chat.starting import ChatHandle
from application.conversation.chat.views import MESSAGE_COMPLETED, MESSAGE_DELTA
from domain.common.llm import ChatChunk, ChatRequest
from domain.common.runstream import FINISH_KIND, RunEvent, RunStatus, RunStreamUnavailable
from domain.conversation.values import ChatError, ChatStatus, MessageStatus
from infra.runstream.inprocess import InProcessRunStreams
from tests.support.chat_kit import ChatKit, actor, kit

INTERRUPTED = "conversation.chat_stream_interrupted"


class FlakyStreams:
    """In-process run streams whose store can go down (writes and reads fail) or stall (reads
    never answer)."""

    name = "runstream"
    adapter = "flaky"

    def __init__(self) -> None:
        self.inner = InProcessRunStreams()
        self.writes: Literal["ok", "fail"] = "ok"
        self.reads: Literal["ok", "fail", "stall"] = "ok"
        self.down_after_deltas: int | None = None  # the store goes down at this many deltas
        self.deltas = 0

    def _check_write(self, kind: str) -> None:
        if kind == MESSAGE_DELTA:
            self.deltas += 1
            if self.down_after_deltas is not None and self.deltas > self.down_after_deltas:
                self.writes = self.reads = "fail"
        if self.writes == "fail":
            raise RunStreamUnavailable("FakeStore", reason="down")

    async def append(self, run_id: str, kind: str, data: Mapping[str, Any]) -> int:
        self._check_write(kind)
        return await self.inner.append(run_id, kind, data)

    async def finish(
        self, run_id: str, kind: str = FINISH_KIND, data: Mapping[str, Any] | None = None
    ) -> int:
        self._check_write(kind)
        return await self.inner.finish(run_id, kind, data)

    async def status(self, run_id: str) -> RunStatus | None:
        if self.reads == "fail":
            raise RunStreamUnavailable("FakeStore", reason="down")
        return await self.inner.status(run_id)

    def read(self, run_id: str, *, after: int = 0, follow: bool = True) -> AsyncIterator[RunEvent]:
        return self._read(run_id, after, follow)

    async def _read(self, run_id: str, after: int, follow: bool) -> AsyncIterator[RunEvent]:
        await self._gate()
        async for event in self.inner.read(run_id, after=after, follow=follow):
            await self._gate()
            yield event

    async def _gate(self) -> None:
        if self.reads == "fail":
            raise RunStreamUnavailable("FakeStore", reason="down")
        if self.reads == "stall":
            await asyncio.Event().wait()  # until the reader gives up waiting


@pytest.fixture
async def flaky() -> AsyncIterator[tuple[ChatKit, FlakyStreams]]:
    streams = FlakyStreams()
    chat_kit = kit(streams=streams)
    await chat_kit.runner.start()
    yield chat_kit, streams
    await chat_kit.runner.stop()


def slow(words: int) -> StartChat:
    text = "/slow " + " ".join(f"w{i}" for i in range(words))
    return StartChat(agent_id=100, end_user="u1", messages=[NewMessage("user", text)])


async def read_until(
    k: ChatKit, handle: ChatHandle, deltas: int
) -> tuple[list[RunEvent], asyncio.Task[None]]:
    """Start reading in a task; return once `deltas` deltas were read (the list keeps growing)."""
    seen: list[RunEvent] = []
    flowing = asyncio.Event()

    async def body() -> None:
        async for event in k.chats.events(handle):
            seen.append(event)
            if sum(e.kind == MESSAGE_DELTA for e in seen) >= deltas:
                flowing.set()
        flowing.set()

    task = asyncio.create_task(body())
    async with asyncio.timeout(5):
        await flowing.wait()
    return seen, task


async def settled(k: ChatKit, chat_id: int) -> None:
    """The chat's generation has finished writing its outcome."""
    live = k.runner.local(chat_id)
    if live is not None and live.task is not None:
        async with asyncio.timeout(5):
            await live.task


def assert_ended_failed(events: list[RunEvent], key: str) -> dict[str, Any]:
    status, done = events[-2:]
    assert status.kind == "conversation.chat.failed", [e.kind for e in events[-4:]]
    assert done.kind == "done" and done.final
    assert status.data["status"] == "failed" and key in status.data["last_error"]["msg"]
    return dict(status.data)


async def test_a_stream_that_cannot_be_written_fails_the_chat_and_its_reader_ends(
    flaky: tuple[ChatKit, FlakyStreams],
) -> None:
    k, streams = flaky
    streams.down_after_deltas = 3  # then writes and reads fail: the store is gone for everyone
    handle = await k.chats.start(actor(), slow(20))
    seen, reader = await read_until(k, handle, 2)
    async with asyncio.timeout(5):
        await reader
    chat = assert_ended_failed(seen, INTERRUPTED)
    assert "FakeStore" in chat["last_error"]["msg"]
    await settled(k, handle.chat_id)
    run = await k.runs.get(handle.chat_id)
    assert run is not None and run.status is ChatStatus.FAILED and INTERRUPTED in run.last_error.msg
    answer = await k.messages.get(handle.answer_id)
    assert answer is not None and answer.status is MessageStatus.FAILED
    # The answer's partial text is replayed once, from the database, before the failure.
    completed = [e for e in seen if e.kind == MESSAGE_COMPLETED]
    assert [e.data["id"] for e in completed] == [str(handle.answer_id)]
    assert completed[0].data["content"].startswith("w0 w1 w2")


async def test_a_reader_that_cannot_read_while_the_run_goes_on_fails_it_after_the_bound(
    flaky: tuple[ChatKit, FlakyStreams],
) -> None:
    k, streams = flaky
    handle = await k.chats.start(actor(), slow(200))  # 10 s of words: far beyond the bound
    seen, reader = await read_until(k, handle, 2)
    streams.reads = "fail"  # only reading breaks; the generation could go on writing
    async with asyncio.timeout(5):
        await reader
    assert_ended_failed(seen, INTERRUPTED)
    await settled(k, handle.chat_id)
    # Failed by its own generation (it runs here), with the reader's reason; not canceled.
    run = await k.runs.get(handle.chat_id)
    assert run is not None and run.status is ChatStatus.FAILED and INTERRUPTED in run.last_error.msg
    answer = await k.messages.get(handle.answer_id)
    assert answer is not None and answer.status is MessageStatus.FAILED and answer.content


async def test_a_read_that_stalls_while_the_run_goes_on_fails_it_after_the_bound(
    flaky: tuple[ChatKit, FlakyStreams],
) -> None:
    k, streams = flaky
    handle = await k.chats.start(actor(), slow(200))
    seen, reader = await read_until(k, handle, 2)
    streams.reads = "stall"  # the tail moves on; this reader receives nothing any more
    async with asyncio.timeout(5):
        await reader
    assert_ended_failed(seen, INTERRUPTED)
    await settled(k, handle.chat_id)
    run = await k.runs.get(handle.chat_id)
    assert run is not None and run.status is ChatStatus.FAILED


class ThinkingModel:
    """A word, then a silence longer than the reader's outage bound, then another word."""

    async def stream(self, request: ChatRequest) -> AsyncIterator[ChatChunk]:
        yield ChatChunk(text="hmm")
        await asyncio.sleep(2.0)
        yield ChatChunk(text=" yes")


async def test_a_quiet_stream_of_a_thinking_model_is_not_an_outage() -> None:
    k = kit(ThinkingModel())
    await k.runner.start()
    try:
        handle = await k.chats.start(actor(), slow(1))
        async with asyncio.timeout(8):
            events = await k.events(handle)
        assert events[-2].kind == "conversation.chat.completed", [e.kind for e in events]
        assert [e.data["content"] for e in events if e.kind == MESSAGE_DELTA] == ["hmm", " yes"]
    finally:
        await k.runner.stop()


async def test_a_stalled_read_ends_from_the_database_once_the_run_is_over(
    flaky: tuple[ChatKit, FlakyStreams],
) -> None:
    k, streams = flaky
    handle = await k.chats.start(actor(), slow(6))
    seen, reader = await read_until(k, handle, 2)
    streams.reads = "stall"  # the chat completes; this reader never hears of it on the stream
    async with asyncio.timeout(5):
        await reader
    kinds = [e.kind for e in seen]
    assert kinds[-3:] == ["conversation.message.completed", "conversation.chat.completed", "done"], kinds
    assert seen[-3].data["content"] == " ".join(f"w{i}" for i in range(6))
    assert kinds.count("conversation.message.completed") == 1
    assert seen[-2].data["status"] == "completed" and seen[-1].final


async def test_a_run_failed_meanwhile_is_not_overwritten_by_its_generation(
    flaky: tuple[ChatKit, FlakyStreams],
) -> None:
    k, _ = flaky
    handle = await k.chats.start(actor(), slow(8))
    seen, reader = await read_until(k, handle, 2)
    # Someone else failed it (a reader elsewhere that could not read it, or found it abandoned).
    await k.liveness.fail(handle.chat_id, ChatError(5038, "gone elsewhere"))
    async with asyncio.timeout(5):
        await reader
    assert_ended_failed(seen, "gone elsewhere")
    await settled(k, handle.chat_id)
    run = await k.runs.get(handle.chat_id)
    assert run is not None and run.status is ChatStatus.FAILED and run.last_error.msg == "gone elsewhere"
    answer = await k.messages.get(handle.answer_id)
    assert answer is not None and answer.status is MessageStatus.FAILED


async def test_a_resume_after_the_outage_reports_the_failed_run(flaky: tuple[ChatKit, FlakyStreams]) -> None:
    k, streams = flaky
    streams.down_after_deltas = 2
    handle = await k.chats.start(actor(), slow(10))
    _, reader = await read_until(k, handle, 1)
    async with asyncio.timeout(5):
        await reader
    await settled(k, handle.chat_id)
    streams.writes = streams.reads = "ok"  # back, without the chat's end on its stream
    again = await k.chats.reattach(actor(), handle.conversation_id, chat_id=handle.chat_id)
    async with asyncio.timeout(5):
        events = await k.events(again)
    assert_ended_failed(events, INTERRUPTED)
    retrieved = await k.chats.retrieve(actor(), handle.conversation_id, handle.chat_id)
    assert retrieved.status == "failed" and INTERRUPTED in retrieved.last_error.msg
