"""Where a new turn goes in the message tree, and which history it sees.

A turn either continues the current branch (its parent is the conversation's leaf), regenerates
an answer (a new answer beside the old one, under the same question), or resends an edited
question (a new question beside the edited one, under the edited one's parent). The history is the
path from that parent back to the start of the current section, as far as `limit` messages.

Resuming a run with tool outputs continues where the run stopped: the history is the path from the
leaf (the run's function_call messages), with room for the outputs it adds.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.conversation.entities import Conversation, Message, parse_object_string
from domain.conversation.errors import InvalidMessage, MessageNotFound
from domain.conversation.ports import MessageRepository
from domain.conversation.values import ContentType, MessageRole, MessageType

_QUESTIONS = (MessageType.QUESTION, MessageType.UNKNOWN)  # messages.create stores no type


def has_substance(content: str, content_type: ContentType) -> bool:
    """Something to answer: text that is not blank, or any file part."""
    if content_type is ContentType.OBJECT_STRING:
        return any(p.type != "text" or p.text.strip() for p in parse_object_string(content))
    return bool(content.strip())


def history_limit(rounds: int, extra: int = 0) -> int:
    """How many messages to read back from the leaf: a question and an answer per round, with room
    for a tool call or two; the window is then cut at question boundaries."""
    return (max(rounds, 0) + 1) * 4 + extra


def resume_history_limit(rounds: int, outputs: int) -> int:
    """A resume reads its rounds plus the call/output pair of every output it adds."""
    return history_limit(rounds, 2 * outputs)


def waiting_question(history: list[Message]) -> Message | None:
    """The user's question at the end of the branch that nobody answered yet (sent with
    messages.create, or left by a run that stored nothing): a chat without new messages answers it."""
    last = history[-1] if history else None
    if (
        last is not None
        and last.role is MessageRole.USER
        and last.type in _QUESTIONS
        and has_substance(last.content, last.content_type)
    ):
        return last
    return None


@dataclass(slots=True)
class Branch:
    """Where a turn's messages go: under `parent_id`, after `history`; `question` is an existing
    question the turn answers (a regenerate, or a question already waiting)."""

    history: list[Message]
    parent_id: int | None
    question: Message | None


class BranchChooser:
    """Chooses a turn's branch by reading the conversation's message tree."""

    def __init__(self, messages: MessageRepository) -> None:
        self._messages = messages

    async def choose(
        self,
        conversation: Conversation,
        *,
        limit: int,
        regenerate_id: int | None = None,
        edit_id: int | None = None,
    ) -> Branch:
        section = conversation.section_id
        if regenerate_id is not None:
            question = await self.question(conversation, regenerate_id, answer_ok=True)
            return Branch(await self._messages.path(question.id, section, limit), question.id, question)
        if edit_id is not None:
            edited = await self.question(conversation, edit_id, answer_ok=False)
            parent = edited.parent_id
            history = await self._messages.path(parent, section, limit) if parent is not None else []
            return Branch(history, parent, None)
        history = await self.current_path(conversation, limit)
        return Branch(history, conversation.leaf_message_id, waiting_question(history))

    async def current_path(self, conversation: Conversation, limit: int) -> list[Message]:
        """The current branch, from its leaf back into the current section."""
        leaf = conversation.leaf_message_id
        return await self._messages.path(leaf, conversation.section_id, limit) if leaf is not None else []

    async def question(self, conversation: Conversation, message_id: int, *, answer_ok: bool) -> Message:
        """The question a regenerate or an edit refers to, in the conversation's current section; a
        regenerate may name the answer instead (its question is meant)."""
        message = await self._messages.get(message_id)
        if message is None or message.conversation_id != conversation.id:
            raise MessageNotFound(message_id=str(message_id))
        if answer_ok and message.role is MessageRole.ASSISTANT and message.parent_id is not None:
            parent = await self._messages.get(message.parent_id)
            if parent is not None and parent.conversation_id == conversation.id:
                message = parent
        if message.role is not MessageRole.USER or message.type not in _QUESTIONS:
            raise InvalidMessage(reason="only a question (or its answer) can be regenerated or edited")
        if message.section_id != conversation.section_id:
            raise InvalidMessage(reason="the message is before the context was cleared")
        return message
