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
from datetime import datetime, timedelta

from application.conversation.chat.gate import WriteGate
from application.conversation.chat.prompt import (
    function_call_content,
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
    chat_view,
    delta_base,
    message_view,
)
from crossdomain.agent import AgentSnapshot, PersonaRenderer
from crossdomain.upload import UploadedFile
from domain.common.errors import DomainError
from domain.common.llm import ChatChunk, ChatMessage, ChatRequest, ModelRuntime, ToolCall
from domain.common.llm import Usage as ModelUsage
from domain.common.ports import Clock, IdGenerator, UnitOfWorkFactory
from domain.common.runstream import RunStreams
from domain.conversation.entities import ChatRun, Message
from domain.conversation.errors import ToolNotOffered
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
        gate: WriteGate | None = None,
        ids: IdGenerator,
        runner: ChatRunner,
        describe_error: ErrorDescriber,
        titles: TitleWriter | None = None,
    ) -> None:
        self._uow, self._conversations, self._messages, self._runs = uow, conversations, messages, runs
        self._streams, self._models, self._renderer = streams, models, renderer
        self._clock, self._ids, self._runner = clock, ids, runner
        self._describe, self._titles = describe_error, titles
        self._gate = gate or WriteGate()

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
            if live.cancel_requested and not live.shutting_down:
                out.canceled = True
            else:
                out.error = SHUTDOWN_ERROR
        except Exception as exc:
            if not isinstance(exc, DomainError):  # a bug, not a model or input failure
                log.error("chat_generation_failed chat=%s", segment.run.id, exc_info=exc)
            out.error = self._describe(exc)
        live.finishing = True  # from here on the outcome is being written: cancel is too late
        await self._finish(segment, out)

    async def _call_model(self, segment: Segment, out: _Output) -> None:
        snapshot = segment.snapshot
        variables = prompt_variables(snapshot, segment.variables)
        system = system_prompt(snapshot, self._renderer, variables, self._clock.now())
        out.prompt = model_messages(
            system, window(segment.history, snapshot.model.history_rounds), segment.files
        )
        # Client tools pause the run until the caller submits outputs, which needs the history saved.
        tools = tool_specs(snapshot) if segment.save_history else ()
        model = await self._models.chat_model(snapshot.model.model_id)
        stream = model.stream(ChatRequest(out.prompt, tools, snapshot.model.parameters))
        run_id, base = str(segment.run.id), delta_base(segment.answer)
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
            calls = self._call_messages(answer, out.calls, now)
            run.await_tools(tuple(_request(c) for c in out.calls), total)
        else:
            answer.status = MessageStatus.AVAILABLE
            run.complete(now, total)
        try:
            await self._save(segment, calls)
        except Exception as exc:
            log.error("chat_outcome_not_saved chat=%s", run.id, exc_info=exc)
            run = replace(run, status=ChatStatus.FAILED, last_error=SAVE_ERROR, failed_at=now)
            await self._emit_end(run, [], answer=None)
            return
        shown = (
            answer if answer.type is MessageType.ANSWER and (answer.content or run.status.terminal) else None
        )
        await self._emit_end(run, calls, answer=shown)
        if segment.name_conversation and run.status is ChatStatus.COMPLETED and self._titles is not None:
            self._titles.schedule(
                segment.run.conversation_id, segment.snapshot.model.model_id, segment.history, answer
            )

    def _call_messages(self, answer: Message, calls: list[ToolCall], now: datetime) -> list[Message]:
        """The answer so far stays an answer when it has text; each requested call becomes a
        function_call message (the first one reuses the answer's id when there is no text)."""
        out: list[Message] = []
        parent = answer.id
        if not answer.content:
            answer.type = MessageType.FUNCTION_CALL
            answer.content = function_call_content(calls[0])
            out.append(answer)
            calls = calls[1:]
        answer.status = MessageStatus.AVAILABLE
        for call in calls:
            message = replace(
                answer,
                id=self._ids.next_id(),
                parent_id=parent,
                type=MessageType.FUNCTION_CALL,
                content=function_call_content(call),
                reasoning_content="",
                usage=Usage(),
                created_at=now,
                updated_at=now,
            )
            out.append(message)
            parent = message.id
        return out

    async def _save(self, segment: Segment, calls: list[Message]) -> None:
        run, answer = segment.run, segment.answer
        async with self._gate, self._uow() as tx:
            new = [m for m in calls if m.id != answer.id]
            if segment.save_history:
                await self._messages.save(answer)
                for message in new:
                    await self._messages.add(message)
            if run.status is ChatStatus.REQUIRES_ACTION:
                # The claim stays; re-claiming stamps since when the run waits for tool outputs.
                now = self._clock.now()
                await self._conversations.claim(run.conversation_id, run.id, now, now - CLAIM_TAKEOVER)
                if segment.save_history and new:
                    await self._conversations.set_leaf(run.conversation_id, new[-1].id, now)
            await self._runs.save(run)
            if run.status.terminal:
                await self._conversations.release(run.conversation_id, run.id)
            await tx.commit()

    async def _emit_end(self, run: ChatRun, calls: list[Message], *, answer: Message | None) -> None:
        run_id = str(run.id)
        try:
            if answer is not None:
                await self._streams.append(run_id, MESSAGE_COMPLETED, message_view(answer))
            for call in calls:
                await self._streams.append(run_id, MESSAGE_COMPLETED, message_view(call))
            await self._streams.append(run_id, STATUS_EVENT[run.status], chat_view(run))
            if run.status.terminal:
                await self._streams.finish(run_id, DONE, {})
            else:
                await self._streams.append(run_id, DONE, {})
        except Exception as exc:  # readers fall back to the database (see follow.py)
            log.error("chat_events_lost chat=%s", run.id, exc_info=exc)


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
