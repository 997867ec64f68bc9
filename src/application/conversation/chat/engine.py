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
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from application.conversation.chat.followups import FollowUpSuggester
from application.conversation.chat.knowledge import KnowledgeStep, knowledge_block
from application.conversation.chat.prompt import (
    model_messages,
    prompt_variables,
    system_prompt,
    tool_specs,
    tool_variables,
    window,
)
from application.conversation.chat.recall_tool import RECALL_TOOL, RecallTool
from application.conversation.chat.runner import ChatRunner, LiveRun
from application.conversation.chat.titles import TitleWriter
from application.conversation.chat.tools import (
    MAX_TOOL_STEPS,
    NO_SERVER_TOOLS,
    ToolSets,
    consent_note,
    consent_requests,
    no_such_tool,
)
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
from crossdomain.plugin import AgentToolbox, ServerToolset, ToolInvocation
from crossdomain.upload import UploadedFile
from domain.common.errors import DomainError
from domain.common.llm import (
    ChatChunk,
    ChatMessage,
    ChatModel,
    ChatRequest,
    ModelRuntime,
    Role,
    ToolCall,
    ToolSpec,
)
from domain.common.llm import Usage as ModelUsage
from domain.common.ports import Clock, IdGenerator, UnitOfWorkFactory
from domain.common.runstream import RunStreams, RunStreamUnavailable
from domain.conversation.entities import ChatRun, Message
from domain.conversation.errors import ChatStreamInterrupted
from domain.conversation.messages import function_call_messages, next_answer, tool_response_messages
from domain.conversation.ports import ChatRunRepository, ConversationRepository, MessageRepository
from domain.conversation.values import (
    AuthorizationRequest,
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
    answer: Message  # the message being written: the segment's answer, or a new one after a tool step
    steps: list[Message] = field(default_factory=list)  # written by server tool steps, in order
    text: list[str] = field(default_factory=list)  # of the current step
    reasoning: list[str] = field(default_factory=list)
    calls: list[ToolCall] = field(default_factory=list)
    consents: tuple[AuthorizationRequest, ...] = ()  # plugins the user has to authorize first
    usage: ModelUsage | None = None  # of every model step together
    prompt: list[ChatMessage] = field(default_factory=list)
    parameters: Mapping[str, Any] = field(default_factory=dict)
    error: ChatError | None = None
    canceled: bool = False

    def add_usage(self, usage: ModelUsage) -> None:
        if self.usage is None:
            self.usage = usage
        else:
            self.usage = ModelUsage(
                self.usage.input_tokens + usage.input_tokens, self.usage.output_tokens + usage.output_tokens
            )


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
        toolbox: AgentToolbox | None = None,
    ) -> None:
        self._uow, self._conversations, self._messages, self._runs = uow, conversations, messages, runs
        self._streams, self._models, self._renderer = streams, models, renderer
        self._clock, self._ids, self._runner = clock, ids, runner
        self._describe, self._titles = describe_error, titles
        # Write transactions: the database adapter serialises them where it takes one writer at a time.
        self._writes = writes or uow
        self._follow_ups = follow_ups or FollowUpSuggester(models, ids)
        self._knowledge = knowledge or KnowledgeStep()
        self._toolbox = toolbox

    def launch(self, segment: Segment) -> None:
        self._runner.launch(segment.run.id, lambda live: self._generate(segment, live))

    async def _generate(self, segment: Segment, live: LiveRun) -> None:
        out = _Output(segment.answer)
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
        run_id, base = str(segment.run.id), delta_base(out.answer)
        recalled = await self._knowledge.recall(segment.run.id, snapshot, segment.history, segment.files)
        if recalled is not None and recalled.opens_turn:
            view = knowledge_recall_view(segment.answer, self._ids.next_id(), recalled.recall)
            await self._streams.append(run_id, MESSAGE_COMPLETED, view)
            reply = snapshot.knowledge.no_recall_reply
            if reply is not None and not recalled.recall.slices:
                # The agent's own words for a question its knowledge cannot answer: no model call.
                out.add_usage(ModelUsage(0, 0))
                await self._streams.append(run_id, MESSAGE_DELTA, _delta(base, ChatChunk(reply), out))
                return
        variables = prompt_variables(snapshot, segment.variables)
        knowledge = knowledge_block(recalled.recall) if recalled is not None else ""
        system = system_prompt(snapshot, self._renderer, variables, self._clock.now(), knowledge)
        out.prompt = model_messages(
            system, window(segment.history, snapshot.model.history_rounds), segment.files
        )
        out.parameters = snapshot.model.parameters
        # Client tools pause the run until the caller submits outputs, which needs the history saved.
        client = tool_specs(snapshot) if segment.save_history else ()
        client_names = {t.name for t in client}
        server = await self._server_tools(segment, client_names)
        offered = [*client, *(ToolSpec(t.name, t.description, t.parameters) for t in server.offered)]
        model = await self._models.chat_model(snapshot.model.model_id)
        for step in range(MAX_TOOL_STEPS + 1):
            # The last step offers no tools: the model has to answer with what its tools said.
            last = step == MAX_TOOL_STEPS
            calls = await self._model_step(model, run_id, out, () if last else offered)
            if last and calls:
                log.warning("chat_tool_steps_exhausted chat=%s steps=%d", run_id, MAX_TOOL_STEPS)
                return
            theirs = [c for c in calls if c.name in client_names]
            mine = [c for c in calls if c.name not in client_names]
            if mine:
                await self._run_tools(segment, out, mine, server)
            if out.consents:  # the user authorizes, then sends their message again
                note = ("\n\n" if out.text else "") + consent_note(out.consents)
                await self._streams.append(
                    run_id, MESSAGE_DELTA, _delta(delta_base(out.answer), ChatChunk(note), out)
                )
                return
            if theirs or not mine:
                out.calls = theirs
                return

    async def _model_step(
        self, model: ChatModel, run_id: str, out: _Output, tools: Sequence[ToolSpec]
    ) -> list[ToolCall]:
        """One model call over the prompt so far, its text streamed as deltas of the current answer."""
        base = delta_base(out.answer)
        calls: list[ToolCall] = []
        stream = model.stream(ChatRequest(out.prompt, tools, out.parameters))
        try:
            async for chunk in stream:
                if chunk.text or chunk.reasoning:
                    await self._streams.append(run_id, MESSAGE_DELTA, _delta(base, chunk, out))
                if chunk.tool_calls:
                    calls.extend(chunk.tool_calls)
                if chunk.usage is not None:
                    out.add_usage(chunk.usage)
        finally:
            await _close(stream)
        return calls

    async def _server_tools(self, segment: Segment, taken: set[str]) -> ServerToolset:
        """The agent's published plugin tools, and its knowledge when the model searches on demand."""
        snapshot, sets = segment.snapshot, list[ServerToolset]()
        knowledge = snapshot.knowledge
        if knowledge.dataset_ids and not knowledge.auto_call and RECALL_TOOL not in taken:
            recall = RecallTool(self._knowledge, segment.run.id, snapshot, segment.history, segment.files)
            sets.append(recall)
            taken = {*taken, RECALL_TOOL}
        if self._toolbox is not None and snapshot.plugin_tools:
            values = tool_variables(snapshot, segment.variables)
            tools = await self._toolbox.toolset(
                snapshot.space_id, snapshot.plugin_tools, taken=taken, variables=values
            )
            sets.append(tools)
        return ToolSets(*sets) if sets else NO_SERVER_TOOLS

    async def _run_tools(
        self, segment: Segment, out: _Output, calls: list[ToolCall], server: ServerToolset
    ) -> None:
        """Run one step's server calls (several at once), record and stream the function_call and
        tool_response messages, hand the results to the model and start the next answer. A call of
        a tool the agent does not have gets an error result the model reads."""
        known = [c for c in calls if server.has(c.name)]
        results: dict[str, str] = {}
        if known:
            invocations = [ToolInvocation(c.id, c.name, c.arguments) for c in known]
            ran = await server.run(invocations, user_id=segment.run.creator_id)
            out.consents = consent_requests(ran)
            if out.consents:
                return  # nothing of this step is kept: the calls are made again after consent
            results = {r.call_id: r.output for r in ran}
        for call in calls:
            results.setdefault(call.id, no_such_tool(call.name))
        now, answer = self._clock.now(), out.answer
        step_text = "".join(out.text)
        out.prompt.append(ChatMessage(Role.ASSISTANT, step_text, tool_calls=tuple(calls)))
        out.prompt.extend(ChatMessage(Role.TOOL, results[c.id], tool_call_id=c.id) for c in calls)
        answer.content, answer.reasoning_content = step_text, "".join(out.reasoning)
        out.text, out.reasoning = [], []
        kept = bool(answer.content)  # with text it stays an answer, finished, before the calls
        asked = function_call_messages(answer, calls, self._ids, now)
        if kept:
            asked.insert(0, answer)
        answered = tool_response_messages(asked[-1], [(c.id, results[c.id]) for c in calls], self._ids, now)
        out.steps.extend([*asked, *answered])
        out.answer = next_answer(answered[-1], self._ids, now)
        for message in (*asked, *answered):
            await self._streams.append(str(segment.run.id), MESSAGE_COMPLETED, message_view(message))

    async def _finish(self, segment: Segment, out: _Output) -> None:
        run, answer = segment.run, out.answer
        run.answer_id = answer.id
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
        elif out.consents:
            answer.status = MessageStatus.AVAILABLE
            run.await_authorization(now, out.consents, total)
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
            saved = await self._save(segment, out, calls, follow_ups)
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

    async def _save(
        self, segment: Segment, out: _Output, calls: list[Message], follow_ups: list[Message]
    ) -> bool:
        """The segment's outcome in one transaction; False (nothing written) when the run was
        already ended by someone else."""
        run, answer, started = segment.run, out.answer, segment.answer.id
        written = [*out.steps, answer, *(m for m in calls if m.id != answer.id)]
        async with self._writes() as tx:
            if not await self._runs.save_unless_ended(run):
                return False
            if segment.save_history:
                for message in written:  # the segment's own answer row exists; the rest are new
                    await (self._messages.save if message.id == started else self._messages.add)(message)
                if follow_ups:  # children of the answer; the leaf stays on the answer
                    await self._messages.add_many(follow_ups)
            now = self._clock.now()
            if run.status is ChatStatus.REQUIRES_ACTION:
                # The claim stays; re-claiming stamps since when the run waits for tool outputs.
                await self._conversations.claim(run.conversation_id, run.id, now, now - CLAIM_TAKEOVER)
            if segment.save_history and written[-1].id != started:
                await self._conversations.set_leaf(run.conversation_id, written[-1].id, now)
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
