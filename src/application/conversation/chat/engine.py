"""One generation of a chat run, detached from the request that started it.

A segment runs from the start of a chat (or from submitted tool outputs) to an answer, a request
for client tools, a failure or a cancel. Every event goes to the chat's run stream as it happens;
the database is written once, at the end (the start was written by whoever launched the segment):
the answer with its content, status and usage, the run's outcome, and the conversation's claim.
Deltas are never written to the database; a reader that reconnects replays them from the stream.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta

from application.conversation.chat.followups import FollowUpSuggester
from application.conversation.chat.knowledge import KnowledgeStep, knowledge_block
from application.conversation.chat.prompt import (
    model_messages,
    prompt_variables,
    system_prompt,
    tool_specs,
    window,
)
from application.conversation.chat.runner import ChatRunner, LiveRun
from application.conversation.chat.titles import TitleWriter
from application.conversation.chat.views import (
    DONE,
    MESSAGE_COMPLETED,
    MESSAGE_DELTA,
    STATUS_EVENT,
    answer_finish_view,
    chat_view,
    delta_base,
    knowledge_recall_view,
    message_view,
)
from crossdomain.agent import AgentSnapshot, PersonaRenderer
from crossdomain.upload import UploadedFile
from domain.common.errors import DomainError
from domain.common.llm import ChatChunk, ChatMessage, ChatRequest, ModelRuntime, ToolCall
from domain.common.llm import Usage as ModelUsage
from domain.common.ports import Clock, IdGenerator, UnitOfWorkFactory
from domain.common.runstream import RunStreams, RunStreamUnavailable
from domain.conversation.entities import ChatRun, Message
from domain.conversation.errors import ChatStreamInterrupted, ToolNotOffered
from domain.conversation.messages import function_call_messages
from domain.conversation.ports import ChatRunRepository, ConversationRepository, MessageRepository
from domain.conversation.values import (
    ChatError,
    ChatStatus,
    MessageStatus,
    MessageType,
    ToolCallRequest,
    Usage,
)

log = logging.getLogger("cozeplus.chat")

ErrorDescriber = Callable[[BaseException], ChatError]
SHUTDOWN_ERROR = ChatError(5000, "the server stopped while this chat was running; please try again")
SAVE_ERROR = ChatError(5000, "the chat's outcome could not be saved")
CLAIM_TAKEOVER = timedelta(days=1)  # liveness.py decides takeovers; this is the repository's last resort


@dataclass(slots=True)
class Segment:
    """What one generation needs, loaded by its launcher so the engine reads nothing more."""

    run: ChatRun
    answer: Message  # created with the run (status streaming); written again at the end
    snapshot: AgentSnapshot
    history: list[Message]  # the branch up to the answer's parent, current round included
    variables: dict[str, str] = field(default_factory=dict)
    files: dict[int, UploadedFile] = field(default_factory=dict)
    save_history: bool = True
    name_conversation: bool = False  # the conversation has no title yet: give it one afterwards


@dataclass(slots=True)
class _Output:
    text: list[str] = field(default_factory=list)
    reasoning: list[str] = field(default_factory=list)
    calls: list[ToolCall] = field(default_factory=list)
    usage: ModelUsage | None = None
    prompt: list[ChatMessage] = field(default_factory=list)
    error: ChatError | None = None
    canceled: bool = False


class ChatEngine:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        conversations: ConversationRepository,
        messages: MessageRepository,
        runs: ChatRunRepository,
        streams: RunStreams,
        models: ModelRuntime,
        renderer: PersonaRenderer,
        clock: Clock,
        writes: UnitOfWorkFactory | None = None,
        ids: IdGenerator,
        runner: ChatRunner,
        describe_error: ErrorDescriber,
        titles: TitleWriter | None = None,
        follow_ups: FollowUpSuggester | None = None,
        knowledge: KnowledgeStep | None = None,
    ) -> None:
        self._uow, self._conversations, self._messages, self._runs = uow, conversations, messages, runs
        self._streams, self._models, self._renderer = streams, models, renderer
        self._clock, self._ids, self._runner = clock, ids, runner
        self._describe, self._titles = describe_error, titles
        # Write transactions: the database adapter serialises them where it takes one writer at a time.
        self._writes = writes or uow
        self._follow_ups = follow_ups or FollowUpSuggester(models, ids)
        self._knowledge = knowledge or KnowledgeStep()

    def launch(self, segment: Segment) -> None:
        self._runner.launch(segment.run.id, lambda live: self._generate(segment, live))

    async def _generate(self, segment: Segment, live: LiveRun) -> None:
        out = _Output()
        try:
            await self._call_model(segment, out)
        except asyncio.CancelledError:
            task = asyncio.current_task()
            while task is not None and task.cancelling():
                task.uncancel()
            if live.failure is not None:  # a reader found the stream unreadable (follow.py)
                out.error = live.failure
            elif live.cancel_requested and not live.shutting_down:
                out.canceled = True
            else:
                out.error = SHUTDOWN_ERROR
        except RunStreamUnavailable as exc:
            # Its readers cannot get the events either: fail now; they end from the database.
            log.warning("chat_stream_interrupted chat=%s service=%s", segment.run.id, exc.service)
            out.error = self._describe(ChatStreamInterrupted(service=exc.service))
        except Exception as exc:
            if not isinstance(exc, DomainError):  # a bug, not a model or input failure
                log.error("chat_generation_failed chat=%s", segment.run.id, exc_info=exc)
            out.error = self._describe(exc)
        live.finishing = True  # from here on the outcome is being written: cancel is too late
        await self._finish(segment, out)

    async def _call_model(self, segment: Segment, out: _Output) -> None:
        snapshot = segment.snapshot
        run_id, base = str(segment.run.id), delta_base(segment.answer)
        recalled = await self._knowledge.recall(segment.run.id, snapshot, segment.history, segment.files)
        if recalled is not None and recalled.opens_turn:
            view = knowledge_recall_view(segment.answer, self._ids.next_id(), recalled.recall)
            await self._streams.append(run_id, MESSAGE_COMPLETED, view)
            reply = snapshot.knowledge.no_recall_reply
            if reply is not None and not recalled.recall.slices:
                # The agent's own words for a question its knowledge cannot answer: no model call.
                out.usage = ModelUsage(0, 0)
                await self._streams.append(run_id, MESSAGE_DELTA, _delta(base, ChatChunk(reply), out))
                return
        variables = prompt_variables(snapshot, segment.variables)
        knowledge = knowledge_block(recalled.recall) if recalled is not None else ""
        system = system_prompt(snapshot, self._renderer, variables, self._clock.now(), knowledge)
        out.prompt = model_messages(
            system, window(segment.history, snapshot.model.history_rounds), segment.files
        )
        # Client tools pause the run until the caller submits outputs, which needs the history saved.
        tools = tool_specs(snapshot) if segment.save_history else ()
        model = await self._models.chat_model(snapshot.model.model_id)
        stream = model.stream(ChatRequest(out.prompt, tools, snapshot.model.parameters))
        try:
            async for chunk in stream:
                if chunk.text or chunk.reasoning:
                    await self._streams.append(run_id, MESSAGE_DELTA, _delta(base, chunk, out))
                if chunk.tool_calls:
                    out.calls.extend(chunk.tool_calls)
                if chunk.usage is not None:
                    out.usage = chunk.usage
        finally:
            await _close(stream)
        offered = {t.name for t in tools}
        for call in out.calls:
            if call.name not in offered:
                raise ToolNotOffered(tool=call.name)

    async def _finish(self, segment: Segment, out: _Output) -> None:
        run, answer = segment.run, segment.answer
        now = self._clock.now()
        usage = _usage(out)
        total = run.usage + usage
        answer.content = "".join(out.text)
        answer.reasoning_content = "".join(out.reasoning)
        answer.usage, answer.updated_at = usage, now
        calls: list[Message] = []
        if out.error is not None:
            answer.status = MessageStatus.FAILED
            run.fail(now, out.error, total)
        elif out.canceled:
            answer.status = MessageStatus.INTERRUPTED
            run.cancel(now, total)
        elif out.calls:
            calls = function_call_messages(answer, out.calls, self._ids, now)
            run.await_tools(tuple(_request(c) for c in out.calls), total)
        else:
            answer.status = MessageStatus.AVAILABLE
            run.complete(now, total)
        follow_ups: list[Message] = []
        shown = (
            answer if answer.type is MessageType.ANSWER and (answer.content or run.status.terminal) else None
        )
        if run.status is ChatStatus.COMPLETED and segment.snapshot.follow_up_suggestions:
            follow_ups = await self._suggest(segment, answer)
            shown = None  # already on the stream
        try:
            saved = await self._save(segment, calls, follow_ups)
        except Exception as exc:
            log.error("chat_outcome_not_saved chat=%s", run.id, exc_info=exc)
            run = replace(run, status=ChatStatus.FAILED, last_error=SAVE_ERROR, failed_at=now)
            await self._emit_end(run, [], answer=None)
            return
        if not saved:  # failed meanwhile by whoever found it unreachable; they ended its stream
            log.warning("chat_outcome_superseded chat=%s status=%s", run.id, run.status.value)
            return
        await self._emit_end(run, calls + follow_ups, answer=shown)
        if segment.name_conversation and run.status is ChatStatus.COMPLETED and self._titles is not None:
            self._titles.schedule(
                segment.run.conversation_id, segment.snapshot.model.model_id, segment.history, answer
            )

    async def _suggest(self, segment: Segment, answer: Message) -> list[Message]:
        """Coze's order: the answer and its finish note go out first, the suggestions are asked for
        while the reader already has the whole answer, then they are saved with the outcome and
        streamed before the chat's end. Their usage counts in the run's."""
        try:
            await self._emit_answer(segment.run, answer)
        except Exception as exc:  # readers fall back to the database (see follow.py)
            _events_lost(segment.run.id, exc)
        found = await self._follow_ups.suggest(
            segment.snapshot, segment.history, segment.files, answer, self._clock.now()
        )
        segment.run.usage = segment.run.usage + found.usage
        return found.messages

    async def _save(self, segment: Segment, calls: list[Message], follow_ups: list[Message]) -> bool:
        """The segment's outcome in one transaction; False (nothing written) when the run was
        already ended by someone else."""
        run, answer = segment.run, segment.answer
        async with self._writes() as tx:
            if not await self._runs.save_unless_ended(run):
                return False
            new = [m for m in calls if m.id != answer.id]
            if segment.save_history:
                await self._messages.save(answer)
                for message in new:
                    await self._messages.add(message)
                if follow_ups:  # children of the answer; the leaf stays on the answer
                    await self._messages.add_many(follow_ups)
            if run.status is ChatStatus.REQUIRES_ACTION:
                # The claim stays; re-claiming stamps since when the run waits for tool outputs.
                now = self._clock.now()
                await self._conversations.claim(run.conversation_id, run.id, now, now - CLAIM_TAKEOVER)
                if segment.save_history and new:
                    await self._conversations.set_leaf(run.conversation_id, new[-1].id, now)
            if run.status.terminal:
                await self._conversations.release(run.conversation_id, run.id)
            await tx.commit()
        return True

    async def _emit_answer(self, run: ChatRun, answer: Message) -> None:
        """The completed answer, then (for a completed chat) Coze's stream-only verbose note that
        the answer is finished."""
        run_id = str(run.id)
        await self._streams.append(run_id, MESSAGE_COMPLETED, message_view(answer))
        if run.status is ChatStatus.COMPLETED:
            finish = answer_finish_view(answer, self._ids.next_id())
            await self._streams.append(run_id, MESSAGE_COMPLETED, finish)

    async def _emit_end(self, run: ChatRun, calls: list[Message], *, answer: Message | None) -> None:
        run_id = str(run.id)
        try:
            if answer is not None:
                await self._emit_answer(run, answer)
            for call in calls:
                await self._streams.append(run_id, MESSAGE_COMPLETED, message_view(call))
            await self._streams.append(run_id, STATUS_EVENT[run.status], chat_view(run))
            if run.status.terminal:
                await self._streams.finish(run_id, DONE, {})
            else:
                await self._streams.append(run_id, DONE, {})
        except Exception as exc:  # readers fall back to the database (see follow.py)
            _events_lost(run.id, exc)


def _events_lost(chat_id: int, exc: Exception) -> None:
    if isinstance(exc, RunStreamUnavailable):  # an outage, logged where it was found: no traceback
        log.warning("chat_events_lost chat=%s service=%s", chat_id, exc.service)
    else:
        log.error("chat_events_lost chat=%s", chat_id, exc_info=exc)


def _delta(base: dict[str, object], chunk: ChatChunk, out: _Output) -> dict[str, object]:
    delta = {**base, "content": chunk.text}
    if chunk.text:
        out.text.append(chunk.text)
    if chunk.reasoning:
        out.reasoning.append(chunk.reasoning)
        delta["reasoning_content"] = chunk.reasoning
    return delta


def _request(call: ToolCall) -> ToolCallRequest:
    return ToolCallRequest(call.id, call.name, json.dumps(dict(call.arguments), ensure_ascii=False))


def _usage(out: _Output) -> Usage:
    if out.usage is not None:
        return Usage(out.usage.input_tokens, out.usage.output_tokens)
    # Cut short before the model reported usage: about four characters a token.
    prompt_chars = sum(len(m.content) for m in out.prompt)
    text = "".join(out.text)
    return Usage((prompt_chars + 3) // 4, (len(text) + 3) // 4)


async def _close(stream: AsyncIterator[ChatChunk]) -> None:
    aclose = getattr(stream, "aclose", None)
    if aclose is not None:
        await aclose()
