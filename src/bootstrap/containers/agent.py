from __future__ import annotations

from dependency_injector import containers, providers

from application.agent.directory import AgentDirectoryService
from application.agent.icons import IconLinks
from application.agent.models import CatalogChatModels
from application.audit.service import AuditLog
from crossdomain.permission import PermissionChecker
from crossdomain.space import SpaceMembership
from crossdomain.upload import UploadedFiles
from domain.common.ports import Clock, IdGenerator, UnitOfWorkFactory
from domain.modelmgr.ports import ModelRepository
from infra.persistence.agent import SqlAgentRepository, SqlAgentVersionRepository, SqlPublishRecordRepository
from infra.prompt.persona import SandboxedPersonaRenderer


class AgentContainer(containers.DeclarativeContainer):
    """Context agent: drafts, versions, publishing, and the AgentDirectory other contexts read."""

    uow: providers.Dependency[UnitOfWorkFactory] = providers.Dependency()
    ids: providers.Dependency[IdGenerator] = providers.Dependency()
    clock: providers.Dependency[Clock] = providers.Dependency()
    audit: providers.Dependency[AuditLog] = providers.Dependency()
    permissions: providers.Dependency[PermissionChecker] = providers.Dependency()
    membership: providers.Dependency[SpaceMembership] = providers.Dependency()
    models: providers.Dependency[ModelRepository] = providers.Dependency()
    # Optional until the upload context is wired: icons from uploaded files need it.
    files: providers.Dependency[UploadedFiles | None] = providers.Dependency(default=providers.Object(None))

    agents = providers.Singleton(SqlAgentRepository)
    versions = providers.Singleton(SqlAgentVersionRepository)
    publish_records = providers.Singleton(SqlPublishRecordRepository)
    persona_renderer = providers.Singleton(SandboxedPersonaRenderer)
    chat_models = providers.Singleton(CatalogChatModels, uow=uow, models=models)
    icons = providers.Singleton(IconLinks, files=files)

    directory = providers.Singleton(
        AgentDirectoryService, uow=uow, agents=agents, versions=versions, icons=icons
    )
