"""Looking at and steering chats that already exist: retrieve, cancel, their messages, re-attach."""

from __future__ import annotations

import asyncio

from application.common.actor import Actor, require_scope
from application.conversation.access import ConversationAccess
from application.conversation.chat.access import run_of
from application.conversation.chat.follow import RunFollower
from application.conversation.chat.liveness import Liveness
from application.conversation.chat.runner import ChatRunner
from application.conversation.chat.starting import ChatHandle
from application.conversation.chat.views import ChatRunView
from application.conversation.dto import MessageDTO
from domain.common.access import Scope
from domain.common.ports import UnitOfWorkFactory
from domain.common.runstream import RunStreams, RunStreamUnavailable
from domain.conversation.entities import ChatRun, Conversation
from domain.conversation.errors import ChatNotCancellable, ChatNotFound, MessageNotFound
from domain.conversation.ports import ChatRunRepository, ConversationRepository, MessageRepository
from domain.conversation.values import ChatStatus, MessageStatus

CANCEL_WAIT_S = 5.0  # the owner polls flags every 0.2 s; then it writes the partial answer


class ChatControl:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        access: ConversationAccess,
        conversations: ConversationRepository,
        messages: MessageRepository,
        runs: ChatRunRepository,
        streams: RunStreams,
        runner: ChatRunner,
        liveness: Liveness,
        follower: RunFollower,
        cancel_wait_s: float = CANCEL_WAIT_S,
    ) -> None:
        self._access = access
        self._uow, self._conversations, self._messages, self._runs = uow, conversations, messages, runs
        self._streams, self._runner, self._liveness, self._follower = streams, runner, liveness, follower
        self.cancel_wait_s = cancel_wait_s

    async def _load(self, actor: Actor, conversation_id: int, chat_id: int) -> tuple[Conversation, ChatRun]:
        require_scope(actor, Scope.CHAT)
        async with self._uow():
            conversation = await self._access.load(actor, conversation_id)
            run = await run_of(self._runs, conversation, chat_id)
        return conversation, await self._liveness.settle(run, conversation)

    async def retrieve(self, actor: Actor, conversation_id: int, chat_id: int) -> ChatRunView:
        _, run = await self._load(actor, conversation_id, chat_id)
        return ChatRunView.of(run)

    async def messages(self, actor: Actor, conversation_id: int, chat_id: int) -> list[MessageDTO]:
        """What the chat wrote (answers, tool calls, tool outputs), oldest first; not the
        messages the caller sent with it, and not an answer still being written."""
        _, run = await self._load(actor, conversation_id, chat_id)
        async with self._uow():
            written = await self._messages.for_chat(run.id)
        inserted = set(run.inserted_message_ids)
        return [
            MessageDTO.of(m)
            for m in written
            if m.id not in inserted and m.id != run.question_id and m.status is not MessageStatus.STREAMING
        ]

    async def cancel(self, actor: Actor, conversation_id: int, chat_id: int) -> ChatRunView:
        _, run = await self._load(actor, conversation_id, chat_id)
        if not run.status.cancellable:
            raise ChatNotCancellable(status=run.status.value)
        return ChatRunView.of(await self._stop(run))

    async def break_message(
        self, actor: Actor, conversation_id: int, query_id: int | None, answer_id: int | None
    ) -> ChatRun | None:
        """The SPA's stop button: cancel the chat answering that question, if it still runs."""
        require_scope(actor, Scope.CHAT)
        async with self._uow():
            conversation = await self._access.load(actor, conversation_id)
            message = await self._messages.get(answer_id or query_id or 0)
            if message is None or message.conversation_id != conversation.id or message.chat_id is None:
                raise MessageNotFound(message_id=str(answer_id or query_id))
            run = await run_of(self._runs, conversation, message.chat_id)
        run = await self._liveness.settle(run, conversation)
        if not run.status.cancellable:
            return run  # already over: stopping is done
        return await self._stop(run)

    async def _stop(self, run: ChatRun) -> ChatRun:
        try:
            status = await self._streams.status(str(run.id))
        except RunStreamUnavailable:
            status = None  # then wait for the end from the start: the follower bounds the wait
        after = status.last_offset if status is not None else 0
        await self._runner.request_cancel(run.id)
        try:
            async with asyncio.timeout(self.cancel_wait_s):
                async for _ in self._follower.events(run.id, after):
                    pass
        except TimeoutError:
            pass
        async with self._uow():
            current = await self._runs.get(run.id)
        if current is None:
            raise ChatNotFound(chat_id=str(run.id))
        if current.status is ChatStatus.CANCELED:
            return current
        if current.status.cancellable:  # its owner did not react: did it die?
            current = await self._liveness.settle(current)
            if current.status.cancellable:
                return current
        raise ChatNotCancellable(status=current.status.value)

    async def reattach(
        self,
        actor: Actor,
        conversation_id: int,
        *,
        chat_id: int | None = None,
        message_id: int | None = None,
        after: int = 0,
    ) -> ChatHandle:
        """Where to read a chat's events again, from `after` (the last offset the client saw)."""
        require_scope(actor, Scope.CHAT)
        async with self._uow():
            conversation = await self._access.load(actor, conversation_id)
            if chat_id is None:
                message = await self._messages.get(message_id or 0)
                if message is None or message.conversation_id != conversation.id or message.chat_id is None:
                    raise MessageNotFound(message_id=str(message_id))
                chat_id = message.chat_id
            run = await run_of(self._runs, conversation, chat_id)
        run = await self._liveness.settle(run, conversation)
        return ChatHandle(
            ChatRunView.of(run),
            run.id,
            conversation.id,
            run.section_id,
            run.question_id,
            run.answer_id or 0,
            after,
        )
