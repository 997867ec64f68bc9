"""Conversations and their messages (Coze's /v1/conversation*, the SPA's conversation routes)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dependency_injector import providers

from api import conversation_errors
from api.openapi import conversations, messages
from api.web import conversation
from bootstrap.containers.conversation import ConversationContainer
from bootstrap.modules.base import ContextModule, Kernel, Routes, wire

if TYPE_CHECKING:
    from bootstrap.container import Container


def _containers(c: Container, kernel: Kernel) -> dict[str, providers.Container[Any]]:
    conversation = wire(
        ConversationContainer, kernel, agents=c.agent.directory, files=c.upload.uploaded_files
    )
    return {"conversation": conversation}


MODULE = ContextModule(
    name="conversation",
    messages=conversation_errors.MESSAGES,
    routes=Routes(token_api=[*conversations.ROUTES, *messages.ROUTES], web=conversation.ROUTES),
    errors=conversation_errors.ERRORS,
    dependencies=lambda c: {
        "conversations": c.conversation.conversation_service,
        "conversation_messages": c.conversation.message_service,
        "playground_history": c.conversation.playground_history,
    },
    containers=_containers,
)
