"""Reading a chat's events: from its run stream (any process), else from the database.

A reader ends after the segment's `done`. When the stream goes quiet for `idle_s`, the reader
asks whether anyone is still writing; a run whose process died is failed then (see liveness.py),
which puts `chat.failed` + `done` on the stream, so no reader waits forever. A stream that no
longer exists (expired, or kept by a process that restarted) is replaced by the run's outcome as
the database has it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from application.conversation.chat.liveness import Liveness
from application.conversation.chat.views import DONE, MESSAGE_COMPLETED, STATUS_EVENT, chat_view, message_view
from domain.common.ports import UnitOfWorkFactory
from domain.common.runstream import RunEvent, RunNotFound, RunStreams
from domain.conversation.errors import ChatNotFound
from domain.conversation.ports import ChatRunRepository, MessageRepository
from domain.conversation.values import ChatStatus, MessageStatus, MessageType

# What a chat wrote, replayed in id order (the verbose note after an answer is not stored).
_REPLAYED = frozenset({MessageType.ANSWER, MessageType.FUNCTION_CALL, MessageType.FOLLOW_UP})


class RunFollower:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        messages: MessageRepository,
        runs: ChatRunRepository,
        streams: RunStreams,
        liveness: Liveness,
        idle_s: float = 10.0,
    ) -> None:
        self._uow, self._messages, self._runs = uow, messages, runs
        self._streams, self._liveness, self.idle_s = streams, liveness, idle_s

    async def events(self, chat_id: int, after: int = 0) -> AsyncIterator[RunEvent]:
        """The run's events after `after`, up to and including the next `done`."""
        cursor = after
        while True:
            reader = self._streams.read(str(chat_id), after=cursor, follow=True)
            try:
                while True:
                    try:
                        async with asyncio.timeout(self.idle_s):
                            event = await anext(reader)
                    except StopAsyncIteration:
                        return
                    cursor = event.offset
                    yield event
                    if event.kind == DONE:
                        return
            except TimeoutError:
                await self._check(chat_id)  # then read on from the cursor
            except RunNotFound:
                async for stored in self._from_database(chat_id, cursor):
                    yield stored
                return
            finally:
                aclose = getattr(reader, "aclose", None)
                if aclose is not None:
                    await aclose()

    async def _check(self, chat_id: int) -> None:
        async with self._uow():
            run = await self._runs.get(chat_id)
        if run is not None:
            await self._liveness.settle(run)

    async def _from_database(self, chat_id: int, cursor: int) -> AsyncIterator[RunEvent]:
        async with self._uow():
            run = await self._runs.get(chat_id)
            written = await self._messages.for_chat(chat_id) if run is not None else []
        if run is None:
            raise ChatNotFound(chat_id=str(chat_id))
        run = await self._liveness.settle(run)
        if not run.status.terminal and run.status is not ChatStatus.REQUIRES_ACTION:
            raise RunNotFound(run_id=str(chat_id))  # running, but its events are out of reach
        offset = cursor
        inserted = set(run.inserted_message_ids)
        for message in written:
            if message.id in inserted or message.status is MessageStatus.STREAMING:
                continue
            if message.type in _REPLAYED:
                offset += 1
                yield RunEvent(offset, MESSAGE_COMPLETED, message_view(message))
        offset += 1
        yield RunEvent(offset, STATUS_EVENT[run.status], chat_view(run))
        yield RunEvent(offset + 1, DONE, {}, final=run.status.terminal)
