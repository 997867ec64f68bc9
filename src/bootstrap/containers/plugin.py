from __future__ import annotations

from dependency_injector import containers, providers

from application.plugin.access import PluginAccess
from application.plugin.drafting import DraftWriter
from application.plugin.published import PublishedTools
from application.plugin.publishing import PublishService
from application.plugin.registry import PluginService
from application.plugin.tool_editing import ToolService
from crossdomain.audit import AuditRecorder
from crossdomain.permission import PermissionChecker
from crossdomain.space import SpaceMembership
from crossdomain.user import UserDirectory
from domain.common.ports import Clock, IdGenerator, UnitOfWorkFactory
from domain.common.secrets import SecretCipher
from infra.persistence.plugin import SqlPluginRepository, SqlToolRepository, SqlVersionRepository
from infra.plugin.openapi import OpenApiReader


class PluginContainer(containers.DeclarativeContainer):
    """Context plugin: the registry (plugins, tools, versions) and the published tools it offers."""

    uow: providers.Dependency[UnitOfWorkFactory] = providers.Dependency()
    ids: providers.Dependency[IdGenerator] = providers.Dependency()
    clock: providers.Dependency[Clock] = providers.Dependency()
    audit: providers.Dependency[AuditRecorder] = providers.Dependency()
    permissions: providers.Dependency[PermissionChecker] = providers.Dependency()
    membership: providers.Dependency[SpaceMembership] = providers.Dependency()
    users: providers.Dependency[UserDirectory] = providers.Dependency()
    cipher: providers.Dependency[SecretCipher] = providers.Dependency()

    plugins = providers.Singleton(SqlPluginRepository)
    tools = providers.Singleton(SqlToolRepository)
    versions = providers.Singleton(SqlVersionRepository)
    reader = providers.Singleton(OpenApiReader)
    access = providers.Singleton(
        PluginAccess, plugins=plugins, membership=membership, permissions=permissions
    )
    drafts = providers.Singleton(
        DraftWriter, plugins=plugins, tools=tools, reader=reader, ids=ids, clock=clock
    )

    plugin_service = providers.Singleton(
        PluginService,
        uow=uow,
        plugins=plugins,
        tools=tools,
        access=access,
        drafts=drafts,
        cipher=cipher,
        users=users,
        audit=audit,
        ids=ids,
        clock=clock,
    )
    tool_service = providers.Singleton(
        ToolService, uow=uow, tools=tools, versions=versions, access=access, drafts=drafts, audit=audit
    )
    publish_service = providers.Singleton(
        PublishService,
        uow=uow,
        plugins=plugins,
        tools=tools,
        versions=versions,
        access=access,
        audit=audit,
        ids=ids,
        clock=clock,
    )
    published_tools = providers.Singleton(PublishedTools, uow=uow, versions=versions)
