"""Conversations and their messages (Coze's /v1/conversation*, the SPA's conversation routes)."""

from api import conversation_errors
from api.openapi import conversations, messages
from api.web import conversation
from bootstrap.modules.base import ContextModule, Routes

MODULE = ContextModule(
    name="conversation",
    routes=Routes(token_api=[*conversations.ROUTES, *messages.ROUTES], web=conversation.ROUTES),
    errors=conversation_errors.ERRORS,
    dependencies=lambda c: {
        "conversations": c.conversation.conversation_service,
        "conversation_messages": c.conversation.message_service,
        "playground_history": c.conversation.playground_history,
    },
)
