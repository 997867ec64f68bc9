from __future__ import annotations

from dependency_injector import containers, providers

from application.agent.access import AgentAccess
from application.agent.directory import AgentDirectoryService
from application.agent.icons import IconLinks
from application.agent.publish import PublishService
from application.agent.service import AgentService
from application.agent.views import AgentViews
from crossdomain.audit import AuditRecorder
from crossdomain.modelmgr import ChatModelCatalog
from crossdomain.permission import PermissionChecker
from crossdomain.plugin import PublishedPluginTools
from crossdomain.space import SpaceMembership
from crossdomain.upload import UploadedFiles
from domain.common.ports import Clock, IdGenerator, UnitOfWorkFactory
from infra.persistence.agent import SqlAgentRepository, SqlAgentVersionRepository, SqlPublishRecordRepository
from infra.prompt.persona import SandboxedPersonaRenderer


class AgentContainer(containers.DeclarativeContainer):
    """Context agent: drafts, versions, publishing, and the AgentDirectory other contexts read."""

    uow: providers.Dependency[UnitOfWorkFactory] = providers.Dependency()
    ids: providers.Dependency[IdGenerator] = providers.Dependency()
    clock: providers.Dependency[Clock] = providers.Dependency()
    audit: providers.Dependency[AuditRecorder] = providers.Dependency()
    permissions: providers.Dependency[PermissionChecker] = providers.Dependency()
    membership: providers.Dependency[SpaceMembership] = providers.Dependency()
    # crossdomain.modelmgr.ChatModelCatalog, answered by the modelmgr context
    chat_models: providers.Dependency[ChatModelCatalog] = providers.Dependency()
    # Optional until the upload context is wired: icons from uploaded files need it.
    files: providers.Dependency[UploadedFiles | None] = providers.Dependency(default=providers.Object(None))
    # crossdomain.plugin.PublishedPluginTools: bindings are checked against the space's published tools.
    plugins: providers.Dependency[PublishedPluginTools] = providers.Dependency()

    agents = providers.Singleton(SqlAgentRepository)
    versions = providers.Singleton(SqlAgentVersionRepository)
    publish_records = providers.Singleton(SqlPublishRecordRepository)
    persona_renderer = providers.Singleton(SandboxedPersonaRenderer)
    icons = providers.Singleton(IconLinks, files=files)

    directory = providers.Singleton(
        AgentDirectoryService, uow=uow, agents=agents, versions=versions, icons=icons
    )
    access = providers.Singleton(AgentAccess, agents=agents, membership=membership, permissions=permissions)
    views = providers.Singleton(AgentViews, icons=icons, models=chat_models)
    agent_service = providers.Singleton(
        AgentService,
        uow=uow,
        agents=agents,
        versions=versions,
        access=access,
        views=views,
        icons=icons,
        models=chat_models,
        persona=persona_renderer,
        audit=audit,
        ids=ids,
        clock=clock,
        plugins=plugins,
    )
    publish_service = providers.Singleton(
        PublishService,
        uow=uow,
        agents=agents,
        versions=versions,
        records=publish_records,
        access=access,
        views=views,
        audit=audit,
        ids=ids,
        clock=clock,
    )
