"""Chats: runs of an agent over a conversation (Coze's /v3/chat*, the SPA's chat routes)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dependency_injector import providers

from api.chat_errors import chat_error
from api.openapi import chat as openapi_chat
from api.web import chat as web_chat
from bootstrap.containers.chat import ChatContainer
from bootstrap.modules.base import ContextModule, Kernel, Routes, wire

if TYPE_CHECKING:
    from bootstrap.container import Container


def _containers(c: Container, kernel: Kernel) -> dict[str, providers.Container[Any]]:
    conversation, settings = c.conversation, c.settings.provided
    chat = wire(
        ChatContainer,
        kernel,
        access=conversation.access,
        conversations=conversation.conversations,
        sections=conversation.sections,
        messages=conversation.messages,
        runs=conversation.chat_runs,
        directory=c.agent.directory,
        files=c.upload.uploaded_files,
        streams=c.core.run_streams,
        kv=c.core.kv,
        models=c.models.runtime,
        renderer=c.agent.persona_renderer,
        retriever=c.knowledge.retrieval,
        toolbox=c.plugin.toolbox,
        # The wire text of a failed chat is the API's: the engine only asks this port for it.
        describe_error=providers.Object(chat_error),
        title_mode=settings.chat_titles,
        writes=c.core.uow.provided.writer.call(),
        tool_wait_s=settings.chat_tool_wait_s,
        knowledge_timeout_s=settings.chat_knowledge_timeout_s,
    )
    return {"chat": chat}


MODULE = ContextModule(
    name="chat",
    borrows=("conversation",),
    routes=Routes(token_api=openapi_chat.ROUTES, web=web_chat.ROUTES),
    dependencies=lambda c: {"chats": c.chat.service},
    # Started last, stopped first: it fails running chats while the database and the run streams
    # are still there to record it.
    resources=lambda c: [c.chat.runner()],
    containers=_containers,
)
