"""Runs that cannot finish by themselves: their process died, or nobody submitted tool outputs.

Nothing sweeps the database for them; they are found when someone looks — a retrieve, a cancel,
a new chat in the same conversation, a reader whose stream went quiet — and failed there, once,
with the same outcome as a failure of the model: the run failed with `last_error`, its streaming
answer failed, the conversation's claim released, and `chat.failed` + `done` on its stream so that
readers anywhere end too.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from application.conversation.chat.runner import ChatRunner
from application.conversation.chat.views import CHAT_FAILED, DONE, chat_view
from domain.common.ports import Clock, UnitOfWorkFactory
from domain.common.runstream import RunStreams
from domain.conversation.entities import ChatRun, Conversation
from domain.conversation.errors import ChatNotFound
from domain.conversation.ports import ChatRunRepository, ConversationRepository, MessageRepository
from domain.conversation.values import ChatError, ChatStatus, MessageStatus

log = logging.getLogger("cozeplus.chat")

ABANDONED = ChatError(5000, "the process running this chat stopped before it finished")
NOT_STARTED = ChatError(5000, "the chat could not be started: its event stream is unavailable")


def tool_wait_expired(seconds: float) -> ChatError:
    return ChatError(4001, f"no tool outputs were submitted within {int(seconds)} s")


class Liveness:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        conversations: ConversationRepository,
        messages: MessageRepository,
        runs: ChatRunRepository,
        streams: RunStreams,
        runner: ChatRunner,
        clock: Clock,
        writes: UnitOfWorkFactory | None = None,
        grace_s: float = 5.0,
        tool_wait_s: float = 600.0,
    ) -> None:
        self._uow, self._conversations, self._messages, self._runs = uow, conversations, messages, runs
        self._streams, self._runner, self._clock = streams, runner, clock
        self.grace_s, self.tool_wait_s = grace_s, tool_wait_s
        # Write transactions: the database adapter serialises them where it takes one writer at a time.
        self._writes = writes or uow

    async def verdict(self, run: ChatRun, conversation: Conversation | None = None) -> ChatError | None:
        """None while the run can still move on by itself; else the error to fail it with."""
        if run.status.terminal:
            return None
        now = self._clock.now()
        if run.status is ChatStatus.REQUIRES_ACTION:
            expired = now - _waiting_since(run, conversation) > timedelta(seconds=self.tool_wait_s)
            return tool_wait_expired(self.tool_wait_s) if expired else None
        young = run.created_at is not None and now - run.created_at < timedelta(seconds=self.grace_s)
        if self._runner.local(run.id) is not None or young:  # too young to have a heartbeat yet
            return None
        try:
            alive = await self._runner.alive_elsewhere(run.id)
        except Exception as exc:  # the key-value store is down: cannot tell, so do not fail it
            log.info("chat_liveness_unknown chat=%s error=%s", run.id, type(exc).__name__)
            return None
        return None if alive else ABANDONED

    async def settle(self, run: ChatRun, conversation: Conversation | None = None) -> ChatRun:
        """The run as it stands, failed first when it cannot finish by itself."""
        error = await self.verdict(run, conversation)
        if error is None:
            return run
        return await self.fail(run.id, error)

    async def fail(self, chat_id: int, error: ChatError) -> ChatRun:
        async with self._writes() as tx:
            run = await self._runs.get(chat_id)
            if run is None:
                raise ChatNotFound(chat_id=str(chat_id))
            if run.status.terminal:
                return run
            await self.fail_in_transaction(run, error, self._clock.now())
            await tx.commit()
        await self.announce(run)
        return run

    async def fail_in_transaction(self, run: ChatRun, error: ChatError, now: datetime) -> None:
        """Fail `run` inside the caller's unit of work (which commits); call `announce` after."""
        if run.answer_id is not None:
            answer = await self._messages.get(run.answer_id)
            if answer is not None and answer.status is MessageStatus.STREAMING:
                answer.status, answer.updated_at = MessageStatus.FAILED, now
                await self._messages.save(answer)
        run.fail(now, error, run.usage)
        await self._runs.save(run)
        await self._conversations.release(run.conversation_id, run.id)
        log.warning("chat_failed_abandoned chat=%s reason=%s", run.id, error.msg)

    async def announce(self, run: ChatRun) -> None:
        run_id = str(run.id)
        try:
            await self._streams.append(run_id, CHAT_FAILED, chat_view(run))
            await self._streams.finish(run_id, DONE, {})
        except Exception as exc:  # already finished, or the stream expired: readers use the database
            log.info("chat_failure_not_streamed chat=%s error=%s", run.id, type(exc).__name__)


def _waiting_since(run: ChatRun, conversation: Conversation | None) -> datetime:
    # The claim's time is refreshed when a run starts waiting for tool outputs (engine._save).
    if conversation is not None and conversation.running_chat_id == run.id and conversation.running_since:
        return conversation.running_since
    assert run.created_at is not None
    return run.created_at
