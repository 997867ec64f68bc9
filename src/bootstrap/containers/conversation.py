"""The conversation context: conversations, sections, messages and chat runs."""

from __future__ import annotations

from dependency_injector import containers, providers

from crossdomain.agent import AgentDirectory
from crossdomain.permission import PermissionChecker
from crossdomain.upload import UploadedFiles
from domain.common.ports import Clock, IdGenerator, UnitOfWorkFactory
from infra.persistence.conversation import SqlConversationRepository, SqlSectionRepository
from infra.persistence.conversation_messages import SqlChatRunRepository, SqlMessageRepository


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
