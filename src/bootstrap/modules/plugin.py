"""Plugins: the registry (OpenAPI plugins of a space, their tools, published versions) and the
runtime that calls tools (ADR 0062)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dependency_injector import providers

from api import plugin_errors
from api.web import (
    plugin_authorizations,
    plugin_playground,
    plugin_runtime,
    plugin_tools,
    plugin_versions,
    plugins,
)
from bootstrap.containers.plugin import PluginContainer
from bootstrap.modules.base import ContextModule, Kernel, Routes, wire
from crossdomain.plugin import AgentToolbox, PublishedPluginTools

if TYPE_CHECKING:
    from bootstrap.container import Container


def _containers(c: Container, kernel: Kernel) -> dict[str, providers.Container[Any]]:
    plugin = wire(
        PluginContainer,
        kernel,
        membership=c.identity.space_service,
        users=c.identity.user_directory,
        cipher=c.models.cipher,  # one cipher for every secret at rest (model keys, plugin secrets)
        outbound=c.outbound,
        oauth_redirect_uri=c.settings.provided.oauth_redirect_uri,
    )
    return {"plugin": plugin}


MODULE = ContextModule(
    name="plugin",
    routes=Routes(
        web=[
            *plugins.ROUTES,
            *plugin_tools.ROUTES,
            *plugin_versions.ROUTES,
            *plugin_runtime.ROUTES,
            *plugin_playground.ROUTES,
            *plugin_authorizations.ROUTES,
        ]
    ),
    errors=plugin_errors.ERRORS,
    messages=plugin_errors.MESSAGES,
    dependencies=lambda c: {
        "plugin_service": c.plugin.plugin_service,
        "plugin_mcp_plugins": c.plugin.mcp_plugins,
        "plugin_tool_service": c.plugin.tool_service,
        "plugin_publish_service": c.plugin.publish_service,
        "plugin_debugger": c.plugin.debugger,
        "plugin_conversion_service": c.plugin.conversion_service,
        "plugin_playground": c.plugin.playground,
        "plugin_authorizations": c.plugin.authorizations,
    },
    crossdomain=lambda c: {PublishedPluginTools: c.plugin.published_tools, AgentToolbox: c.plugin.toolbox},
    containers=_containers,
)
