"""Conversations: create (optionally with first messages), read, list, clear the context, rename,
delete. Every call goes through ConversationAccess."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from application.common.actor import Actor, require_scope
from application.common.paging import Page, bounded
from application.conversation.access import ConversationAccess, space_of_new_conversation
from application.conversation.dto import ConversationDTO, SectionDTO
from application.conversation.inputs import CheckedMessage, MessageInput, MessageInputs
from crossdomain.agent import CONNECTOR_API, DRAFT_CONNECTOR, PUBLISHABLE_CONNECTORS
from domain.common.access import Scope
from domain.common.ports import Clock, IdGenerator, UnitOfWorkFactory
from domain.conversation.entities import (
    Conversation,
    Message,
    Section,
    checked_meta_data,
    checked_name,
)
from domain.conversation.errors import InvalidConversation, TooManyAdditionalMessages
from domain.conversation.messages import MessageFactory
from domain.conversation.ports import ConversationRepository, MessageRepository, SectionRepository
from domain.conversation.values import MAX_ADDITIONAL_MESSAGES

MAX_LIST_PAGE = 50


def appended(factory: MessageFactory, checked: CheckedMessage, creator_id: int) -> Message:
    """A caller's checked message appended to the current branch (it becomes the leaf)."""
    return factory.appended(
        checked.role,
        checked.type,
        checked.content,
        checked.content_type,
        checked.meta_data,
        creator_id=creator_id,
    )


class ConversationService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        conversations: ConversationRepository,
        sections: SectionRepository,
        messages: MessageRepository,
        access: ConversationAccess,
        inputs: MessageInputs,
        ids: IdGenerator,
        clock: Clock,
    ) -> None:
        self._uow, self._conversations, self._sections = uow, conversations, sections
        self._messages, self._access, self._inputs = messages, access, inputs
        self._ids, self._clock = ids, clock

    async def create(
        self,
        actor: Actor,
        *,
        agent_id: int | None = None,
        name: str = "",
        connector_id: int | None = None,
        meta_data: Mapping[str, Any] | None = None,
        messages: Sequence[MessageInput] = (),
    ) -> ConversationDTO:
        """A token client's conversation (connector API 1024 unless Chat SDK 999 is named)."""
        require_scope(actor, Scope.CHAT)
        connector = CONNECTOR_API if connector_id is None else connector_id
        if connector not in PUBLISHABLE_CONNECTORS:
            raise InvalidConversation(reason="connector_id must be 1024 (API) or 999 (Chat SDK)")
        return await self._create(actor, agent_id, connector, name, meta_data, messages)

    async def playground(self, actor: Actor, agent_id: int) -> ConversationDTO:
        """The SPA playground conversation with an agent's draft: the newest one, created on first use."""
        require_scope(actor, Scope.CHAT)
        async with self._uow():
            await self._access.agent(actor, agent_id)
            current, _ = await self._conversations.list_for(
                agent_id=agent_id, creator_id=actor.user_id, connector_id=DRAFT_CONNECTOR, offset=0, limit=1
            )
        if current:
            return ConversationDTO.of(current[0])
        return await self._create(actor, agent_id, DRAFT_CONNECTOR, "", None, ())

    async def restart_playground(
        self, actor: Actor, conversation_id: int, agent_id: int | None = None
    ) -> ConversationDTO:
        """Clear the playground's history: the conversation is deleted and a new, empty one with
        the same agent takes its place (docs/adr/0023)."""
        now = self._clock.now()
        async with self._uow() as uow:
            old = await self._access.load(actor, conversation_id)
            if old.agent_id is None or old.connector_id != DRAFT_CONNECTOR:
                raise InvalidConversation(reason="not a playground conversation")
            if agent_id is not None and old.agent_id != agent_id:
                raise InvalidConversation(reason="the conversation is not with this agent")
            await self._delete(old, now)
            # One transaction: the old conversation goes only when its successor exists.
            new = await self._create(actor, old.agent_id, DRAFT_CONNECTOR, "", None, ())
            await uow.commit()
        return new

    async def _create(
        self,
        actor: Actor,
        agent_id: int | None,
        connector_id: int,
        name: str,
        meta_data: Mapping[str, Any] | None,
        messages: Sequence[MessageInput],
    ) -> ConversationDTO:
        meta = checked_meta_data(meta_data)
        name = checked_name(name)
        if len(messages) > MAX_ADDITIONAL_MESSAGES:
            raise TooManyAdditionalMessages(limit=MAX_ADDITIONAL_MESSAGES)
        checked = [await self._inputs.check(actor, m) for m in messages]
        space_id = space_of_new_conversation(actor)
        if agent_id is not None:
            space_id = (await self._access.agent(actor, agent_id)).space_id
        now = self._clock.now()
        conversation = Conversation(
            id=self._ids.next_id(),
            space_id=space_id,
            agent_id=agent_id,
            creator_id=actor.user_id,
            connector_id=connector_id,
            section_id=self._ids.next_id(),
            name=name,
            meta_data=meta,
            created_at=now,
            updated_at=now,
        )
        async with self._uow() as uow:
            await self._conversations.add(conversation)
            await self._sections.add(Section(conversation.section_id, conversation.id, now))
            factory = MessageFactory(conversation, self._ids, now)
            for item in checked:
                await self._messages.add(appended(factory, item, actor.user_id))
            await self._conversations.save(conversation)  # the leaf, when messages came along
            await uow.commit()
        return ConversationDTO.of(conversation)

    async def get(self, actor: Actor, conversation_id: int) -> ConversationDTO:
        async with self._uow():
            return ConversationDTO.of(await self._access.load(actor, conversation_id))

    async def list_for(
        self,
        actor: Actor,
        agent_id: int,
        page: int = 1,
        page_size: int = 50,
        connector_id: int = CONNECTOR_API,
    ) -> Page[ConversationDTO]:
        """The caller's conversations with an agent on a connector, newest first. `total` is the
        number of items seen so far (Coze answers has_more, not a count)."""
        size = min(bounded(page_size, MAX_LIST_PAGE), MAX_LIST_PAGE)
        offset = (max(page, 1) - 1) * size
        async with self._uow():
            await self._access.agent(actor, agent_id)
            items, has_more = await self._conversations.list_for(
                agent_id=agent_id,
                creator_id=actor.user_id,
                connector_id=connector_id,
                offset=offset,
                limit=size,
            )
        return Page([ConversationDTO.of(c) for c in items], offset + len(items), has_more)

    async def clear(self, actor: Actor, conversation_id: int) -> SectionDTO:
        """Start a new section: the history the model sees starts again; messages stay listed."""
        now = self._clock.now()
        async with self._uow() as uow:
            conversation = await self._access.load(actor, conversation_id)
            section = Section(self._ids.next_id(), conversation.id, now)
            conversation.section_id, conversation.updated_at = section.id, now
            await self._sections.add(section)
            await self._conversations.save(conversation)
            await uow.commit()
        return SectionDTO.of(section)

    async def rename(self, actor: Actor, conversation_id: int, name: str) -> ConversationDTO:
        name = checked_name(name)
        async with self._uow() as uow:
            conversation = await self._access.load(actor, conversation_id)
            conversation.name, conversation.updated_at = name, self._clock.now()
            await self._conversations.save(conversation)
            await uow.commit()
        return ConversationDTO.of(conversation)

    async def delete(self, actor: Actor, conversation_id: int) -> None:
        """Soft delete: the conversation and its messages disappear from every read."""
        async with self._uow() as uow:
            conversation = await self._access.load(actor, conversation_id)
            await self._delete(conversation, self._clock.now())
            await uow.commit()

    async def _delete(self, conversation: Conversation, now: datetime) -> None:
        conversation.deleted_at = conversation.updated_at = now
        await self._conversations.save(conversation)
        await self._messages.delete_conversation(conversation.id, now)
