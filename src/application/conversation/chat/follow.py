"""Reading a chat's events: from its run stream (any process), else from the database.

A reader ends after the segment's `done` and never waits without bound. After `idle_s` without an
event, and whenever the stream cannot be read (its store unreachable, RunStreamUnavailable), it
looks at the run in the database (docs/adr/0036-chat-streams-under-outage.md):

- the segment is over there (completed, failed, canceled, requires_action) but its end did not
  come on the stream (the writer could not write it, or this reader cannot read it): the end is
  replayed from the database — the finished messages not relayed yet, the status event, `done`.
  A stream that can still be read gets one more idle wait first, since the database is written
  just before the end is streamed;
- the run goes on: a run whose process died is failed (see liveness.py); a run whose stream stays
  unreadable for `outage_s` (the store does not answer, or the stream's tail is ahead of a reader
  that receives nothing) is failed with "the chat's event stream was interrupted" — by its own
  generation when it runs in this process — and then ends as above.

A stream that no longer exists (expired, or kept by a process that restarted) is replaced by the
run's outcome as the database has it, the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from enum import Enum

from application.conversation.chat.liveness import Liveness
from application.conversation.chat.runner import ChatRunner
from application.conversation.chat.views import DONE, MESSAGE_COMPLETED, STATUS_EVENT, chat_view, message_view
from domain.common.ports import UnitOfWorkFactory
from domain.common.runstream import RunEvent, RunNotFound, RunStreams, RunStreamUnavailable
from domain.conversation.entities import ChatRun
from domain.conversation.errors import ChatNotFound, ChatStreamInterrupted
from domain.conversation.ports import ChatRunRepository, MessageRepository
from domain.conversation.values import ChatError, ChatStatus, MessageStatus, MessageType

log = logging.getLogger("cozeplus.chat")

# What a chat wrote, replayed in id order (the verbose note after an answer is not stored).
_REPLAYED = frozenset({MessageType.ANSWER, MessageType.FUNCTION_CALL, MessageType.FOLLOW_UP})


class _Pause(Enum):
    QUIET = "quiet"  # no event for idle_s
    UNREADABLE = "unreadable"  # the store did not answer
    GONE = "gone"  # the stream does not exist (expired, or held by a process that restarted)


@dataclass(slots=True)
class _Reading:
    """Where one reader is: the last offset passed on, what it relayed, why it paused."""

    cursor: int
    relayed: set[str] = field(default_factory=set)  # messages whose message.completed went out
    pause: _Pause = _Pause.QUIET
    service: str = "the event store"
    unreadable_since: float | None = None
    ended_seen: bool = False  # the database said "over" once while the stream could be read
    done: bool = False


class RunFollower:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        messages: MessageRepository,
        runs: ChatRunRepository,
        streams: RunStreams,
        liveness: Liveness,
        runner: ChatRunner | None = None,
        describe_error: Callable[[BaseException], ChatError] | None = None,
        idle_s: float = 2.0,
        outage_s: float = 6.0,
        retry_s: float = 0.5,
    ) -> None:
        self._uow, self._messages, self._runs = uow, messages, runs
        self._streams, self._liveness, self._runner = streams, liveness, runner
        self._describe = describe_error
        self.idle_s, self.outage_s, self.retry_s = idle_s, outage_s, retry_s

    async def events(self, chat_id: int, after: int = 0) -> AsyncIterator[RunEvent]:
        """The run's events after `after`, up to and including the next `done`."""
        state = _Reading(after)
        while True:
            async for event in self._read_on(chat_id, state):
                yield event
            if state.done:
                return
            run = await self._load(chat_id)
            if _segment_over(run):
                if state.pause is _Pause.QUIET and not state.ended_seen:
                    state.ended_seen = True  # its end may be a moment behind the database: read on
                    continue
                async for stored in self._end_from_database(run, state.cursor, state.relayed):
                    yield stored
                return
            await self._while_running(run, state)

    async def _read_on(self, chat_id: int, state: _Reading) -> AsyncIterator[RunEvent]:
        """The stream from the cursor until `done` (state.done) or a pause (state.pause)."""
        state.pause = _Pause.QUIET
        reader = self._streams.read(str(chat_id), after=state.cursor, follow=True)
        try:
            while True:
                try:
                    async with asyncio.timeout(self.idle_s):
                        event = await anext(reader)
                except StopAsyncIteration:
                    state.done = True
                    return
                state.cursor, state.unreadable_since, state.ended_seen = event.offset, None, False
                if event.kind == MESSAGE_COMPLETED:
                    state.relayed.add(str(event.data.get("id", "")))
                state.done = event.kind == DONE
                yield event
                if state.done:
                    return
        except TimeoutError:
            pass
        except RunStreamUnavailable as exc:
            state.pause, state.service = _Pause.UNREADABLE, exc.service
        except RunNotFound:
            state.pause = _Pause.GONE
        finally:
            await _close(reader)

    async def _while_running(self, run: ChatRun, state: _Reading) -> None:
        """A pause while the database says the run goes on: fail it once nobody can read it."""
        run = await self._liveness.settle(run)
        if _segment_over(run):
            return  # failed as abandoned: its end is announced, or replayed from the database
        if state.pause is _Pause.QUIET and not await self._stuck(run.id, state):
            return  # simply quiet: the model is thinking
        now = time.monotonic()
        if state.unreadable_since is None:
            state.unreadable_since = now
        if now - state.unreadable_since >= self.outage_s:
            await self._interrupt(run, state.service)
        await asyncio.sleep(self.retry_s)  # a store that fails fast is not asked in a loop

    async def _stuck(self, chat_id: int, state: _Reading) -> bool:
        """Quiet, or unable to read? The stream's tail tells: unreachable, or ahead of the cursor
        while nothing arrived (a stalled reader)."""
        try:
            status = await self._streams.status(str(chat_id))
        except RunStreamUnavailable as exc:
            state.service = exc.service
            return True
        return status is not None and status.last_offset > state.cursor

    async def _load(self, chat_id: int) -> ChatRun:
        async with self._uow():
            run = await self._runs.get(chat_id)
        if run is None:
            raise ChatNotFound(chat_id=str(chat_id))
        return run

    async def _interrupt(self, run: ChatRun, service: str) -> None:
        """The run goes on but nobody can read its stream: fail it, so every reader ends."""
        reason = ChatStreamInterrupted(service=service)
        error = self._describe(reason) if self._describe is not None else ChatError(5038, str(reason))
        log.warning("chat_stream_unreadable chat=%s service=%s", run.id, service)
        live = self._runner.local(run.id) if self._runner is not None else None
        if live is not None and live.stop(failure=error):
            return  # its generation writes the failure itself, in a moment
        await self._liveness.fail(run.id, error)
        if self._runner is not None:
            with contextlib.suppress(Exception):  # its owner elsewhere would keep generating
                await self._runner.request_cancel(run.id)

    async def _end_from_database(
        self, run: ChatRun, cursor: int, relayed: set[str] | None = None
    ) -> AsyncIterator[RunEvent]:
        """The segment's end as stored: finished messages not relayed yet, its status, `done`."""
        async with self._uow():
            written = await self._messages.for_chat(run.id)
        offset = cursor
        inserted = set(run.inserted_message_ids)
        for message in written:
            if message.id in inserted or message.status is MessageStatus.STREAMING:
                continue
            if message.type in _REPLAYED and str(message.id) not in (relayed or ()):
                offset += 1
                yield RunEvent(offset, MESSAGE_COMPLETED, message_view(message))
        offset += 1
        yield RunEvent(offset, STATUS_EVENT[run.status], chat_view(run))
        yield RunEvent(offset + 1, DONE, {}, final=run.status.terminal)


def _segment_over(run: ChatRun) -> bool:
    return run.status.terminal or run.status is ChatStatus.REQUIRES_ACTION


async def _close(reader: AsyncIterator[RunEvent]) -> None:
    aclose = getattr(reader, "aclose", None)
    if aclose is not None:
        with contextlib.suppress(Exception):  # closing a reader of an unreachable store
            await aclose()
