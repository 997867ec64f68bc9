"""Starting a chat, and resuming one with tool outputs: everything written in ONE transaction.

A start creates the conversation when needed, adds the caller's messages to the tree (parent =
the current leaf, or the branch point of a regenerate/edit), creates the answer (streaming), the
run, and claims the conversation (one running chat each, Coze 4016). Either all of it is written
or nothing. Then the run stream gets `chat.created` + `chat.in_progress` and the generation is
launched, detached from the request.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

from application.common.actor import Actor, require_scope
from application.conversation.access import ConversationAccess
from application.conversation.chat.access import run_of
from application.conversation.chat.agents import AgentGate
from application.conversation.chat.commands import (
    CheckedMessage,
    StartChat,
    ToolOutput,
    check_branching,
    checked_start,
    checked_tool_outputs,
)
from application.conversation.chat.engine import CLAIM_TAKEOVER, ChatEngine, Segment
from application.conversation.chat.liveness import NOT_STARTED, Liveness
from application.conversation.chat.prompt import file_ids
from application.conversation.chat.runner import ChatRunner
from application.conversation.chat.views import (
    CHAT_CREATED,
    CHAT_IN_PROGRESS,
    ChatRunView,
    chat_payload,
    chat_view,
)
from crossdomain.agent import CONNECTOR_API, DRAFT_CONNECTOR, AgentSnapshot
from crossdomain.upload import UploadedFile, UploadedFiles
from domain.common.access import Scope
from domain.common.ports import Clock, IdGenerator, UnitOfWorkFactory
from domain.common.runstream import RunStreams
from domain.conversation.branching import Branch, BranchChooser, history_limit, resume_history_limit
from domain.conversation.entities import ChatRun, Conversation, Message, Section, blocks_claim
from domain.conversation.errors import (
    ChatAlreadyRunning,
    ChatNotAwaitingTools,
    InvalidConversation,
    InvalidMessage,
)
from domain.conversation.messages import MessageFactory
from domain.conversation.ports import (
    ChatRunRepository,
    ConversationRepository,
    MessageRepository,
    SectionRepository,
)
from domain.conversation.values import ChatStatus


@dataclass(frozen=True, slots=True)
class ChatHandle:
    """A started (or resumed) chat: its Chat view now, and where its events are."""

    chat: ChatRunView
    chat_id: int
    conversation_id: int
    section_id: int
    question_id: int | None
    answer_id: int
    after: int = 0  # read the run stream after this offset


class ChatStarter:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        access: ConversationAccess,
        conversations: ConversationRepository,
        sections: SectionRepository,
        messages: MessageRepository,
        runs: ChatRunRepository,
        streams: RunStreams,
        agents: AgentGate,
        files: UploadedFiles | None,
        engine: ChatEngine,
        liveness: Liveness,
        runner: ChatRunner,
        clock: Clock,
        writes: UnitOfWorkFactory | None = None,
        ids: IdGenerator,
    ) -> None:
        self._access = access
        self._uow, self._conversations, self._sections = uow, conversations, sections
        self._messages, self._runs, self._streams = messages, runs, streams
        self._agents, self._files, self._engine = agents, files, engine
        self._liveness, self._runner, self._clock, self._ids = liveness, runner, clock, ids
        # Write transactions: the database adapter serialises them where it takes one writer at a time.
        self._writes = writes or uow
        self._branches = BranchChooser(messages)

    async def start(self, actor: Actor, request: StartChat) -> ChatHandle:
        require_scope(actor, Scope.CHAT)
        checked = checked_start(request)
        now = self._clock.now()
        chat_id = self._ids.next_id()
        failed_holders: list[ChatRun] = []
        async with self._writes() as tx:
            # Read in the same transaction (one connection for the whole start): the agent's
            # lookups join it.
            snapshot = await self._agents.snapshot(actor, request.agent_id, draft=request.draft)
            conversation, fresh = await self._conversation(actor, request, snapshot, now)
            check_branching(request, bool(checked.messages))
            first_turn = conversation.is_first_turn()
            branch = (
                Branch([], None, None)
                if fresh
                else await self._branches.choose(
                    conversation,
                    limit=history_limit(snapshot.model.history_rounds),
                    regenerate_id=request.regenerate_id,
                    edit_id=request.edit_id,
                )
            )
            factory = MessageFactory(conversation, self._ids, now)
            added = self._new_messages(factory, actor, snapshot, checked.messages, branch.parent_id, chat_id)
            question = added[-1] if added else branch.question
            if question is None:
                raise InvalidMessage(reason="there is no question to answer: send one in additional_messages")
            files = await self._files_of(actor, added, branch.history)
            answer = factory.answer(question.id, agent_id=snapshot.agent_id, chat_id=chat_id)
            run = ChatRun(
                id=chat_id,
                conversation_id=conversation.id,
                section_id=conversation.section_id,
                space_id=snapshot.space_id,
                agent_id=snapshot.agent_id,
                agent_version=snapshot.version,
                connector_id=conversation.connector_id,
                creator_id=actor.user_id,
                end_user=request.end_user.strip(),
                status=ChatStatus.IN_PROGRESS,
                question_id=question.id,
                answer_id=answer.id,
                inserted_message_ids=tuple(m.id for m in added),
                meta_data=checked.meta_data,
                stream=request.stream,
                auto_save_history=request.auto_save_history,
                created_at=now,
            )
            leaf = answer.id if request.auto_save_history else None
            if fresh:
                conversation.claimed_by(chat_id, now, leaf)
                await self._conversations.add(conversation)
                await self._sections.add(Section(conversation.section_id, conversation.id, now))
            else:
                failed_holders = await self._claim(conversation, run, now, leaf)
            if leaf is not None:
                await self._messages.add_many([*added, answer])
            await self._runs.add(run)
            await tx.commit()
        for holder in failed_holders:
            await self._liveness.announce(holder)
        view = ChatRunView.of(run)
        async with self._failing_on_error(chat_id):
            await self._streams.append(str(chat_id), CHAT_CREATED, chat_view(run, ChatStatus.CREATED))
            await self._streams.append(str(chat_id), CHAT_IN_PROGRESS, chat_payload(view))
        segment = Segment(
            run,
            answer,
            snapshot,
            [*branch.history, *added],
            variables=checked.variables,
            files=files,
            save_history=request.auto_save_history,
            name_conversation=first_turn and request.auto_save_history,
        )
        self._engine.launch(segment)
        return ChatHandle(view, chat_id, conversation.id, conversation.section_id, question.id, answer.id)

    async def submit_tool_outputs(
        self, actor: Actor, conversation_id: int, chat_id: int, outputs: Sequence[ToolOutput]
    ) -> ChatHandle:
        """Store the outputs and run the next segment; readers continue after the segment's `done`."""
        require_scope(actor, Scope.CHAT)
        now = self._clock.now()
        expired: ChatRun | None = None
        async with self._writes() as tx:
            conversation = await self._access.load(actor, conversation_id)
            run = await run_of(self._runs, conversation, chat_id)
            run.check_awaiting_tools()
            error = await self._liveness.verdict(run, conversation)
            if error is not None:
                await self._liveness.fail_in_transaction(run, error, now)
                await tx.commit()
                expired = run
            else:
                got = checked_tool_outputs(outputs, [c.id for c in run.required_action])
                snapshot = await self._agents.snapshot(
                    actor, run.agent_id, draft=run.connector_id == DRAFT_CONNECTOR
                )
                history = await self._branches.current_path(
                    conversation, resume_history_limit(snapshot.model.history_rounds, len(got))
                )
                factory = MessageFactory(conversation, self._ids, now)
                added = factory.tool_outputs(
                    conversation.leaf_message_id,
                    run.required_action,
                    got,
                    agent_id=run.agent_id,
                    chat_id=run.id,
                    creator_id=actor.user_id,
                )
                # A run awaiting tools has its call messages, so there is a parent for the answer.
                answer = factory.answer(added[-1].id, agent_id=run.agent_id, chat_id=run.id)
                for message in (*added, answer):
                    await self._messages.add(message)
                run.resume(answer.id)
                await self._runs.save(run)
                conversation.resumed_at(answer.id, now)
                await self._conversations.save(conversation)
                await tx.commit()
        if expired is not None:
            await self._liveness.announce(expired)
            raise ChatNotAwaitingTools(reason="it waited too long and failed")
        view = ChatRunView.of(run)
        async with self._failing_on_error(run.id):
            status = await self._streams.status(str(run.id))
            after = status.last_offset if status is not None else 0
            # Seen alive at once by other processes (its created_at is old, so no grace applies).
            await self._runner.mark_alive(run.id)
            await self._streams.append(str(run.id), CHAT_IN_PROGRESS, chat_payload(view))
        self._engine.launch(Segment(run, answer, snapshot, [*history, *added], save_history=True))
        return ChatHandle(
            view, run.id, conversation.id, conversation.section_id, run.question_id, answer.id, after
        )

    @asynccontextmanager
    async def _failing_on_error(self, chat_id: int) -> AsyncIterator[None]:
        """A run stream (or key-value store) that fails between the commit and the launch leaves a
        run nobody generates: fail it at once rather than when it is found abandoned."""
        try:
            yield
        except Exception:
            await self._liveness.fail(chat_id, NOT_STARTED)
            raise

    # -- parts of a start -------------------------------------------------------------------------
    async def _conversation(
        self, actor: Actor, request: StartChat, snapshot: AgentSnapshot, now: datetime
    ) -> tuple[Conversation, bool]:
        connector = DRAFT_CONNECTOR if request.draft else CONNECTOR_API
        if request.conversation_id is None:
            conversation = Conversation(
                id=self._ids.next_id(),
                space_id=snapshot.space_id,
                agent_id=snapshot.agent_id,
                creator_id=actor.user_id,
                connector_id=connector,
                section_id=self._ids.next_id(),
                created_at=now,
                updated_at=now,
            )
            return conversation, True
        conversation = await self._access.load(actor, request.conversation_id)
        if conversation.agent_id not in (None, snapshot.agent_id):
            raise InvalidConversation(reason="the conversation belongs to another agent")
        if (conversation.connector_id == DRAFT_CONNECTOR) != request.draft:
            raise InvalidConversation(reason="playground and API conversations are separate")
        return conversation, False

    def _new_messages(
        self,
        factory: MessageFactory,
        actor: Actor,
        snapshot: AgentSnapshot,
        items: Sequence[CheckedMessage],
        parent_id: int | None,
        chat_id: int,
    ) -> list[Message]:
        """The caller's additional messages, chained under the branch's parent (checked already)."""
        out: list[Message] = []
        for item in items:
            message = factory.caller_message(
                parent_id,
                item.role,
                item.type,
                item.content,
                item.content_type,
                item.meta_data,
                creator_id=actor.user_id,
                agent_id=snapshot.agent_id,
                chat_id=chat_id,
            )
            out.append(message)
            parent_id = message.id
        return out

    async def _claim(
        self, conversation: Conversation, run: ChatRun, now: datetime, leaf: int | None
    ) -> list[ChatRun]:
        """Take the conversation for `run`; a holder that cannot finish by itself is failed first."""
        failed: list[ChatRun] = []
        holder_id = conversation.holder_other_than(run.id)
        if holder_id is not None:
            holder = await self._runs.get(holder_id)
            if holder is not None and blocks_claim(holder):
                error = await self._liveness.verdict(holder, conversation)
                if error is None:
                    raise ChatAlreadyRunning(chat_id=str(holder_id))
                await self._liveness.fail_in_transaction(holder, error, now)
                failed.append(holder)
            else:  # a claim left behind by a run that already ended
                await self._conversations.release(conversation.id, holder_id)
        if not await self._conversations.claim(conversation.id, run.id, now, now - CLAIM_TAKEOVER, leaf):
            raise ChatAlreadyRunning()
        conversation.claimed_by(run.id, now, leaf)
        return failed

    async def _files_of(
        self, actor: Actor, added: Sequence[Message], history: Sequence[Message]
    ) -> dict[int, UploadedFile]:
        """The caller's files the messages refer to; new messages may name only existing ones."""
        new_ids, old_ids = file_ids(added), file_ids(history)
        if not new_ids and not old_ids:
            return {}
        if self._files is None:
            if new_ids:
                raise InvalidMessage(reason="file uploads are not available on this server")
            return {}
        found: dict[int, UploadedFile] = {}
        for file_id in sorted(new_ids | old_ids):
            file = await self._files.get(file_id, actor.user_id)
            if file is not None:
                found[file_id] = file
            elif file_id in new_ids:
                raise InvalidMessage(reason=f"file {file_id} does not exist")
        return found
