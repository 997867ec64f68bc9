from __future__ import annotations

from dependency_injector import containers, providers

from application.plugin.access import PluginAccess
from application.plugin.authorizations import UserAuthorizations
from application.plugin.conversion import ConversionService
from application.plugin.debugging import ToolDebugger
from application.plugin.drafting import DraftWriter
from application.plugin.mcp_servers import McpPlugins
from application.plugin.playground import PlaygroundPlugins
from application.plugin.published import PublishedTools
from application.plugin.publishing import PublishService
from application.plugin.registry import PluginService
from application.plugin.tool_editing import ToolService
from application.plugin.toolbox import AgentToolbox
from crossdomain.audit import AuditRecorder
from crossdomain.permission import PermissionChecker
from crossdomain.space import SpaceMembership
from crossdomain.user import UserDirectory
from domain.common.ports import Clock, IdGenerator, UnitOfWorkFactory
from domain.common.secrets import SecretCipher
from infra.outbound.client import GuardedHttpClient
from infra.persistence.plugin import (
    SqlConsentRepository,
    SqlPluginRepository,
    SqlToolRepository,
    SqlUserGrantRepository,
    SqlVersionRepository,
)
from infra.plugin.builtin_tools import BuiltinToolRunner
from infra.plugin.convert import ApiConverter
from infra.plugin.http_tool import HttpToolRunner
from infra.plugin.mcp_tools import McpToolRunner
from infra.plugin.openapi import OpenApiReader
from infra.plugin.runner import PluginToolRunner
from infra.plugin.token_endpoint import OAuthTokenEndpoint


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
    # The guarded client (MCP's SDK takes its httpx transport, hence the infra type).
    outbound: providers.Dependency[GuardedHttpClient] = providers.Dependency()
    oauth_redirect_uri: providers.Dependency[str] = providers.Dependency()

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

    # The MCP client: lists a server's tools for the registry and calls them for the runtime.
    mcp_runner = providers.Singleton(McpToolRunner, guarded=outbound, cipher=cipher)

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
    mcp_plugins = providers.Singleton(
        McpPlugins,
        uow=uow,
        plugins=plugins,
        tools=tools,
        access=access,
        drafts=drafts,
        cipher=cipher,
        lister=mcp_runner,
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

    # End users' OAuth authorizations: consent links, the callback, their tokens for the runtime.
    token_endpoint = providers.Singleton(OAuthTokenEndpoint, outbound=outbound, cipher=cipher)
    authorizations = providers.Singleton(
        UserAuthorizations,
        uow=uow,
        grants=providers.Singleton(SqlUserGrantRepository),
        consents=providers.Singleton(SqlConsentRepository),
        access=access,
        endpoint=token_endpoint,
        cipher=cipher,
        clock=clock,
        audit=audit,
        redirect_uri=oauth_redirect_uri,
    )

    # The runtime: every call of a plugin tool, by the agents' tool loop or the debug view.
    tool_runner = providers.Singleton(
        PluginToolRunner,
        http=providers.Singleton(
            HttpToolRunner,
            outbound=outbound,
            cipher=cipher,
            user_tokens=authorizations,
            token_endpoint=token_endpoint,
        ),
        builtin=providers.Singleton(BuiltinToolRunner, outbound=outbound),
        mcp=mcp_runner,
    )
    toolbox = providers.Singleton(
        AgentToolbox, published=published_tools, runner=tool_runner, consents=authorizations
    )
    debugger = providers.Singleton(
        ToolDebugger, uow=uow, tools=tools, access=access, runner=tool_runner, audit=audit
    )
    conversion_service = providers.Singleton(
        ConversionService, uow=uow, access=access, converter=providers.Singleton(ApiConverter)
    )
    playground = providers.Singleton(
        PlaygroundPlugins, uow=uow, plugins=plugins, versions=versions, access=access
    )
