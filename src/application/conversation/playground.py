"""The SPA playground's message history: newest first, paged by message-id cursors both ways."""

from __future__ import annotations

from dataclasses import dataclass

from application.common.actor import Actor
from application.conversation.conversations import ConversationService
from application.conversation.dto import ConversationDTO, MessageDTO
from application.conversation.messages import MessageService
from domain.conversation.errors import InvalidConversation
from domain.conversation.values import ListOrder


@dataclass(frozen=True, slots=True)
class PlaygroundHistory:
    conversation: ConversationDTO
    items: list[MessageDTO]  # newest first
    older_cursor: int | None  # pass back to read older messages (the oldest id shown)
    has_older: bool
    newer_cursor: int | None  # pass back with the "newer" direction (the newest id shown)
    has_newer: bool


class PlaygroundHistoryService:
    def __init__(self, conversations: ConversationService, messages: MessageService) -> None:
        self._conversations, self._messages = conversations, messages

    async def history(
        self,
        actor: Actor,
        *,
        agent_id: int | None,
        conversation_id: int | None,
        cursor: int | None,
        count: int,
        newer: bool = False,
    ) -> PlaygroundHistory:
        """Without a conversation id, the agent's playground conversation (created on first use).
        Without a cursor, the newest page; with one, the page older than it (or newer, if asked)."""
        conversation = await self._conversation(actor, agent_id, conversation_id)
        cid = conversation.id
        if newer and cursor is not None:
            page = await self._messages.page(actor, cid, order=ListOrder.DESC, limit=count, before_id=cursor)
            oldest = page.last_id or cursor
            probe = await self._messages.page(actor, cid, order=ListOrder.DESC, limit=1, after_id=oldest)
            has_older, has_newer = bool(probe.items), page.has_more
        else:
            page = await self._messages.page(actor, cid, order=ListOrder.DESC, limit=count, after_id=cursor)
            has_older, has_newer = page.has_more, False
            if cursor is not None:
                newest = page.first_id or cursor
                probe = await self._messages.page(actor, cid, order=ListOrder.DESC, limit=1, before_id=newest)
                has_newer = bool(probe.items)
        return PlaygroundHistory(
            conversation,
            page.items,
            page.last_id or cursor,
            has_older,
            page.first_id or cursor,
            has_newer,
        )

    async def _conversation(
        self, actor: Actor, agent_id: int | None, conversation_id: int | None
    ) -> ConversationDTO:
        if conversation_id is not None:
            conversation = await self._conversations.get(actor, conversation_id)
            if agent_id is not None and conversation.agent_id != agent_id:
                raise InvalidConversation(reason="the conversation is not with this agent")
            return conversation
        if agent_id is None:
            raise InvalidConversation(reason="give bot_id or conversation_id")
        return await self._conversations.playground(actor, agent_id)
