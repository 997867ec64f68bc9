"""Conversation titles: after the first completed turn the model names the conversation, in the
background, so the answer never waits for it.

`mode` "auto" skips the built-in deterministic models (a title made of echoed words helps nobody),
"always" asks whatever model the agent uses, "off" never asks.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Literal, Protocol

from application.conversation.chat.runner import ChatRunner
from domain.common.llm import ChatMessage, ChatRequest, ModelRuntime, Role, collect
from domain.common.ports import Clock, UnitOfWorkFactory
from domain.conversation.entities import Message
from domain.conversation.ports import ConversationRepository
from domain.conversation.values import MAX_CONVERSATION_NAME, MessageRole, MessageType

log = logging.getLogger("cozeplus.chat")

TitleMode = Literal["auto", "always", "off"]
TITLE_INSTRUCTION = (
    "Write a short title (at most eight words) for the conversation below, in the language of the"
    " user's question. Answer with the title only, without quotes."
)
MAX_SOURCE_CHARS = 2000


class ModelFacts(Protocol):
    async def is_builtin(self, model_id: int | None) -> bool:
        """True for the platform's built-in offline models (builtin-echo)."""
        ...


class TitleWriter:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        conversations: ConversationRepository,
        models: ModelRuntime,
        facts: ModelFacts,
        runner: ChatRunner,
        clock: Clock,
        mode: TitleMode = "auto",
    ) -> None:
        self._uow, self._conversations, self._models, self._clock = uow, conversations, models, clock
        self._facts, self._runner, self.mode = facts, runner, mode

    def schedule(
        self, conversation_id: int, model_id: int | None, history: Sequence[Message], answer: Message
    ) -> None:
        if self.mode == "off":
            return
        question = next(
            (
                m.content
                for m in reversed(history)
                if m.role is MessageRole.USER and m.type is MessageType.QUESTION
            ),
            "",
        )
        self._runner.spawn(
            self.write(conversation_id, model_id, question, answer.content), f"title-{conversation_id}"
        )

    async def write(
        self, conversation_id: int, model_id: int | None, question: str, answer: str
    ) -> str | None:
        """Ask the model for a title and store it unless the conversation got a name meanwhile."""
        try:
            if self.mode == "auto" and await self._facts.is_builtin(model_id):
                return None
            model = await self._models.chat_model(model_id)
            source = f"User: {question[:MAX_SOURCE_CHARS]}\nAssistant: {answer[:MAX_SOURCE_CHARS]}"
            result = await collect(
                model,
                ChatRequest([ChatMessage(Role.SYSTEM, TITLE_INSTRUCTION), ChatMessage(Role.USER, source)]),
            )
            title = clean_title(result.text)
            if not title:
                return None
            async with self._uow() as tx:
                named = await self._conversations.name_if_unnamed(conversation_id, title, self._clock.now())
                await tx.commit()
            if not named:
                return None
            return title
        except Exception as exc:  # a title is a nicety: never let it disturb anything else
            log.warning("chat_title_failed conversation=%s error=%s", conversation_id, repr(exc)[:200])
            return None


_QUOTES = "\"'\u201c\u201d\u2018\u2019\u300c\u300d\u300a\u300b"


def clean_title(text: str) -> str:
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    line = line.strip().strip(_QUOTES).strip()
    if line.lower().startswith("title:"):
        line = line[6:].strip()
    return line[:MAX_CONVERSATION_NAME]
