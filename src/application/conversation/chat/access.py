"""Whose conversation and which chat: another user's (or another space's) answers 4200."""

from __future__ import annotations

from application.common.actor import Actor
from domain.conversation.entities import ChatRun, Conversation
from domain.conversation.errors import ChatNotFound, ConversationNotFound
from domain.conversation.ports import ChatRunRepository, ConversationRepository


async def owned_conversation(
    conversations: ConversationRepository, actor: Actor, conversation_id: int
) -> Conversation:
    conversation = await conversations.get(conversation_id)
    if conversation is None or conversation.creator_id != actor.user_id:
        raise ConversationNotFound(conversation_id=str(conversation_id))
    if actor.token is not None and actor.token.space_id not in (None, conversation.space_id):
        raise ConversationNotFound(conversation_id=str(conversation_id))
    return conversation


async def run_of(runs: ChatRunRepository, conversation: Conversation, chat_id: int) -> ChatRun:
    run = await runs.get(chat_id)
    if run is None or run.conversation_id != conversation.id:
        raise ChatNotFound(chat_id=str(chat_id))
    return run
