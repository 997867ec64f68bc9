"""The conversation context: conversations, sections, messages and chat runs."""

from __future__ import annotations

from dependency_injector import containers, providers

from application.conversation.access import ConversationAccess
from application.conversation.conversations import ConversationService
from application.conversation.inputs import MessageInputs
from application.conversation.messages import MessageService
from application.conversation.playground import PlaygroundHistoryService
from crossdomain.agent import AgentDirectory
from crossdomain.permission import PermissionChecker
from crossdomain.upload import UploadedFiles
from domain.common.ports import Clock, IdGenerator, UnitOfWorkFactory
from infra.persistence.conversation import SqlConversationRepository, SqlSectionRepository
from infra.persistence.conversation.messages import SqlChatRunRepository, SqlMessageRepository


class ConversationContainer(containers.DeclarativeContainer):
    uow: providers.Dependency[UnitOfWorkFactory] = providers.Dependency()
    ids: providers.Dependency[IdGenerator] = providers.Dependency()
    clock: providers.Dependency[Clock] = providers.Dependency()
    permissions: providers.Dependency[PermissionChecker] = providers.Dependency()
    agents: providers.Dependency[AgentDirectory] = providers.Dependency()  # the agent context
    files: providers.Dependency[UploadedFiles] = providers.Dependency()  # the upload context

    # -- repositories
    conversations = providers.Singleton(SqlConversationRepository)
    sections = providers.Singleton(SqlSectionRepository)
    messages = providers.Singleton(SqlMessageRepository)
    chat_runs = providers.Singleton(SqlChatRunRepository)

    # -- services (the chat engine's join these; ConversationAccess is the one access rule)
    access = providers.Singleton(
        ConversationAccess, conversations=conversations, agents=agents, permissions=permissions
    )
    inputs = providers.Singleton(MessageInputs, files=files)
    conversation_service = providers.Singleton(
        ConversationService,
        uow=uow,
        conversations=conversations,
        sections=sections,
        messages=messages,
        access=access,
        inputs=inputs,
        ids=ids,
        clock=clock,
    )
    message_service = providers.Singleton(
        MessageService,
        uow=uow,
        conversations=conversations,
        messages=messages,
        access=access,
        inputs=inputs,
        ids=ids,
        clock=clock,
    )
    playground_history = providers.Singleton(
        PlaygroundHistoryService, conversations=conversation_service, messages=message_service
    )
