"""Which chat: a run of the caller's conversation (ConversationAccess decides about those), else 4200."""

from __future__ import annotations

from domain.conversation.entities import ChatRun, Conversation
from domain.conversation.errors import ChatNotFound
from domain.conversation.ports import ChatRunRepository


async def run_of(runs: ChatRunRepository, conversation: Conversation, chat_id: int) -> ChatRun:
    run = await runs.get(chat_id)
    if run is None or run.conversation_id != conversation.id:
        raise ChatNotFound(chat_id=str(chat_id))
    return run
