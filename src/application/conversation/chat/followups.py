"""Follow-up suggestions: after a completed answer the agent's own model proposes a few short
questions the user might ask next (Coze's `follow_up` messages; the agent's suggest_reply setting).

Only agents with suggestions on ever reach this module, so other turns pay nothing for it. The
suggestions are children of the answer and the conversation's leaf stays on the answer, so they
never sit on the branch the model reads (the history window skips the type as well). A failing or
slow suggestion call costs the turn its suggestions, never the turn itself.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from application.conversation.chat.prompt import model_text
from crossdomain.agent import AgentSnapshot
from crossdomain.upload import UploadedFile
from domain.common.llm import ChatMessage, ChatRequest, ModelRuntime, Role, collect
from domain.common.ports import IdGenerator
from domain.conversation.entities import Message
from domain.conversation.values import (
    ContentType,
    MessageRole,
    MessageStatus,
    MessageType,
    Usage,
)

log = logging.getLogger("cozeplus.chat")

SUGGESTION_INSTRUCTION = (
    "Suggest up to three short questions the user might ask next, given the user's question and"
    " the assistant's answer below. Write them in the language of the user's question, one question"
    " per line, with no numbering and no other text."
)
MAX_SUGGESTIONS = 3
MAX_SUGGESTION_CHARS = 200
MAX_SOURCE_CHARS = 4000
SUGGESTION_TIMEOUT_S = 30.0  # the turn's end waits for them: a stuck model must not hold it

# Leading list markers a model puts before its lines: "1.", "2)", "(3)", "-", "*", "•", "Q1:", "①".
_MARKER = re.compile(
    r"^(?:[-*\u2022\u00b7>#]+|\(?\d{1,2}(?:\.(?!\d)|[)\u3001:\uff09])|[Qq]\d{1,2}[:.)]|[\u2460-\u2473])\s*"
)
_QUOTES = "\"'`*\u201c\u201d\u2018\u2019\u300c\u300d"  # and markdown bold


@dataclass(slots=True)
class Suggestions:
    messages: list[Message] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)


def parse_suggestions(text: str) -> list[str]:
    """One suggestion a line: list markers, quotes and headers ("Here are some questions:") go,
    empty and repeated lines are dropped, long ones are cut; at most MAX_SUGGESTIONS."""
    found: list[str] = []
    seen: set[str] = set()
    for raw in text.splitlines():
        line = raw.strip()
        while True:
            stripped = _MARKER.sub("", line, count=1).strip()
            if stripped == line:
                break
            line = stripped
        line = line.strip(_QUOTES).strip()
        if not line or line.endswith((":", "\uff1a")):
            continue
        if len(line) > MAX_SUGGESTION_CHARS:
            line = line[: MAX_SUGGESTION_CHARS - 1].rstrip() + "\u2026"
        key = line.casefold()
        if key in seen:
            continue
        seen.add(key)
        found.append(line)
        if len(found) == MAX_SUGGESTIONS:
            break
    return found


def last_question(history: Sequence[Message], files: Mapping[int, UploadedFile]) -> str:
    for message in reversed(history):
        if message.role is MessageRole.USER and message.type in (MessageType.QUESTION, MessageType.UNKNOWN):
            return model_text(message, files)
    return ""


class FollowUpSuggester:
    def __init__(
        self, models: ModelRuntime, ids: IdGenerator, timeout_s: float = SUGGESTION_TIMEOUT_S
    ) -> None:
        self._models, self._ids, self.timeout_s = models, ids, timeout_s

    def request(self, snapshot: AgentSnapshot, question: str, answer: str) -> ChatRequest:
        """The agent's own instruction in the customized mode, the platform's otherwise."""
        instruction = snapshot.follow_up_prompt.strip() or SUGGESTION_INSTRUCTION
        source = f"Question: {question[:MAX_SOURCE_CHARS]}\nAnswer: {answer[:MAX_SOURCE_CHARS]}"
        return ChatRequest([ChatMessage(Role.SYSTEM, instruction), ChatMessage(Role.USER, source)])

    async def suggest(
        self,
        snapshot: AgentSnapshot,
        history: Sequence[Message],
        files: Mapping[int, UploadedFile],
        answer: Message,
        now: datetime,
    ) -> Suggestions:
        """`follow_up` messages answering to `answer` (the first one carries the call's usage, so a
        run's usage stays the sum of its messages'); none when the model fails or says nothing."""
        request = self.request(snapshot, last_question(history, files), answer.content)
        try:
            async with asyncio.timeout(self.timeout_s):
                model = await self._models.chat_model(snapshot.model.model_id)
                result = await collect(model, request)
        except Exception as exc:
            log.warning("chat_follow_ups_failed chat=%s error=%s", answer.chat_id, repr(exc)[:200])
            return Suggestions()
        if result.usage.estimated:  # the model reported nothing: about four characters a token
            prompt_chars = sum(len(m.content) for m in request.messages)
            usage = Usage((prompt_chars + 3) // 4, (len(result.text) + 3) // 4)
        else:
            usage = Usage(result.usage.input_tokens, result.usage.output_tokens)
        messages = [
            replace(
                answer,
                id=self._ids.next_id(),
                parent_id=answer.id,
                type=MessageType.FOLLOW_UP,
                content=line,
                content_type=ContentType.TEXT,
                meta_data={},
                reasoning_content="",
                status=MessageStatus.AVAILABLE,
                usage=usage if i == 0 else Usage(),
                created_at=now,
                updated_at=now,
            )
            for i, line in enumerate(parse_suggestions(result.text))
        ]
        return Suggestions(messages, usage)
