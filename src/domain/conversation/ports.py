"""Repositories of the conversation context. Use inside an open unit of work."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.conversation.entities import ChatRun, Conversation, Message, Section
from domain.conversation.values import ListOrder


@dataclass(frozen=True, slots=True)
class MessageSlice:
    items: list[Message]
    has_more: bool


class ConversationRepository(Protocol):
    async def add(self, conversation: Conversation) -> None: ...

    async def get(self, conversation_id: int) -> Conversation | None:
        """None for unknown and deleted conversations."""
        ...

    async def save(self, conversation: Conversation) -> None: ...

    async def list_for(
        self, *, agent_id: int | None, creator_id: int, connector_id: int, offset: int, limit: int
    ) -> tuple[list[Conversation], bool]:
        """The creator's conversations with an agent on a connector, newest first; (items, has_more)."""
        ...

    async def set_leaf(self, conversation_id: int, leaf_message_id: int, at: datetime) -> None:
        """Move the end of the current branch (and updated_at), touching nothing else: a chat
        writes this while the owner may be renaming or clearing the conversation."""
        ...

    async def name_if_unnamed(self, conversation_id: int, name: str, at: datetime) -> bool:
        """Give the conversation `name` unless it has one by now (a generated title never
        overwrites the caller's); True when it was set."""
        ...

    async def claim(
        self,
        conversation_id: int,
        chat_id: int,
        now: datetime,
        stale_before: datetime,
        leaf_message_id: int | None = None,
    ) -> bool:
        """Mark `chat_id` as the running chat, atomically, unless another chat runs there.

        A claim older than `stale_before` is considered abandoned (its process died) and is taken
        over. Returns False when another chat holds the conversation. With `leaf_message_id`, the
        same write moves the end of the current branch (a chat start is one statement)."""
        ...

    async def release(self, conversation_id: int, chat_id: int) -> None:
        """Clear the running chat if it is still `chat_id`."""
        ...


class SectionRepository(Protocol):
    async def add(self, section: Section) -> None: ...


class MessageRepository(Protocol):
    async def add(self, message: Message) -> None: ...

    async def add_many(self, messages: Sequence[Message]) -> None:
        """Add several messages in one statement (a chat's question and its answer)."""
        ...

    async def get(self, message_id: int) -> Message | None:
        """None for unknown and deleted messages."""
        ...

    async def save(self, message: Message) -> None: ...

    async def page(
        self,
        conversation_id: int,
        *,
        order: ListOrder,
        limit: int,
        before_id: int | None = None,
        after_id: int | None = None,
        chat_id: int | None = None,
    ) -> MessageSlice:
        """Messages in listing order (`order` by id). `after_id` continues after that id in the
        listing order, `before_id` returns the page just before it (still in listing order)."""
        ...

    async def for_chat(self, chat_id: int) -> list[Message]:
        """The messages a chat run wrote (answers, tool calls, follow-ups), oldest first."""
        ...

    async def path(self, leaf_id: int, section_id: int, limit: int) -> list[Message]:
        """Up to `limit` messages on the branch ending at `leaf_id`, within `section_id`, oldest
        first; deleted messages are skipped but do not cut the branch."""
        ...

    async def delete_conversation(self, conversation_id: int, at: datetime) -> None:
        """Mark every message of a conversation deleted."""
        ...


class ChatRunRepository(Protocol):
    async def add(self, run: ChatRun) -> None: ...

    async def get(self, chat_id: int) -> ChatRun | None: ...

    async def save(self, run: ChatRun) -> None: ...

    async def save_unless_ended(self, run: ChatRun) -> bool:
        """Save `run` unless the stored one already ended (failed meanwhile by a reader or as
        abandoned); True when it was saved."""
        ...
