"""Messages of a conversation: add, list (Coze's first_id/last_id paging), read, modify, delete."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from application.common.actor import Actor
from application.conversation.access import ConversationAccess
from application.conversation.conversations import appended
from application.conversation.dto import MessageDTO, MessagePage
from application.conversation.inputs import MessageInput, MessageInputs, checked_content_type
from domain.common.ports import Clock, IdGenerator, UnitOfWorkFactory
from domain.conversation.entities import Message, checked_meta_data
from domain.conversation.errors import MessageNotFound
from domain.conversation.messages import MessageFactory
from domain.conversation.ports import ConversationRepository, MessageRepository
from domain.conversation.values import ListOrder

MAX_MESSAGE_PAGE = 50  # Coze's documented range for limit is 1-50


class MessageService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        conversations: ConversationRepository,
        messages: MessageRepository,
        access: ConversationAccess,
        inputs: MessageInputs,
        ids: IdGenerator,
        clock: Clock,
    ) -> None:
        self._uow, self._conversations, self._messages = uow, conversations, messages
        self._access, self._inputs, self._ids, self._clock = access, inputs, ids, clock

    async def create(self, actor: Actor, conversation_id: int, message: MessageInput) -> MessageDTO:
        """Append a message to the current branch; it becomes the conversation's leaf."""
        async with self._uow():
            await self._access.load(actor, conversation_id)  # refuse strangers before checking input
        checked = await self._inputs.check(actor, message)
        async with self._uow() as uow:
            conversation = await self._access.load(actor, conversation_id)
            now = self._clock.now()
            added = appended(MessageFactory(conversation, self._ids, now), checked, actor.user_id)
            conversation.updated_at = now
            await self._messages.add(added)
            await self._conversations.save(conversation)
            await uow.commit()
        return MessageDTO.of(added)

    async def page(
        self,
        actor: Actor,
        conversation_id: int,
        *,
        order: ListOrder = ListOrder.DESC,
        limit: int = MAX_MESSAGE_PAGE,
        before_id: int | None = None,
        after_id: int | None = None,
        chat_id: int | None = None,
    ) -> MessagePage:
        """Coze's LastIDPaged: `after_id` continues after that id in the listing order, `before_id`
        gives the page just before it; deleted messages are left out."""
        async with self._uow():
            await self._access.load(actor, conversation_id)
            found = await self._messages.page(
                conversation_id,
                order=order,
                limit=min(max(limit, 1), MAX_MESSAGE_PAGE),
                before_id=before_id,
                after_id=after_id,
                chat_id=chat_id,
            )
        return MessagePage([MessageDTO.of(m) for m in found.items], found.has_more)

    async def get(self, actor: Actor, conversation_id: int, message_id: int) -> MessageDTO:
        async with self._uow():
            return MessageDTO.of(await self._load(actor, conversation_id, message_id))

    async def modify(
        self,
        actor: Actor,
        conversation_id: int,
        message_id: int,
        *,
        content: str | None = None,
        content_type: str | None = None,
        meta_data: Mapping[str, Any] | None = None,
    ) -> MessageDTO:
        """Change what was given; content is checked against the (new or current) content type."""
        async with self._uow():
            current = await self._load(actor, conversation_id, message_id)
        new_type = current.content_type if content_type is None else checked_content_type(content_type)
        new_content = current.content if content is None else content
        if content is not None or new_type is not current.content_type:
            new_content, _ = await self._inputs.content(actor, new_content, new_type)
        new_meta = current.meta_data if meta_data is None else checked_meta_data(meta_data)
        async with self._uow() as uow:
            message = await self._load(actor, conversation_id, message_id)
            message.content, message.content_type, message.meta_data = new_content, new_type, new_meta
            message.updated_at = self._clock.now()
            await self._messages.save(message)
            await uow.commit()
        return MessageDTO.of(message)

    async def delete(self, actor: Actor, conversation_id: int, message_id: int) -> MessageDTO:
        """Soft delete. The tree stays whole: histories walk through the deleted message."""
        async with self._uow() as uow:
            message = await self._load(actor, conversation_id, message_id)
            deleted = MessageDTO.of(message)
            message.deleted_at = message.updated_at = self._clock.now()
            await self._messages.save(message)
            await uow.commit()
        return deleted

    async def _load(self, actor: Actor, conversation_id: int, message_id: int) -> Message:
        await self._access.load(actor, conversation_id)
        message = await self._messages.get(message_id)
        if message is None or message.conversation_id != conversation_id:
            raise MessageNotFound()
        return message
