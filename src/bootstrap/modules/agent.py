"""Agents (bots): drafts, versions, publishing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dependency_injector import providers

from api import agent_errors
from api.openapi import bots
from api.web import agent_tools, draftbot
from bootstrap.containers.agent import AgentContainer
from bootstrap.modules.base import ContextModule, Kernel, Routes, wire
from crossdomain.agent import AgentDirectory, PersonaRenderer

if TYPE_CHECKING:
    from bootstrap.container import Container


def _containers(c: Container, kernel: Kernel) -> dict[str, providers.Container[Any]]:
    agent = wire(
        AgentContainer,
        kernel,
        membership=c.identity.space_service,
        chat_models=c.models.chat_models,
        files=c.upload.uploaded_files,
        plugins=c.plugin.published_tools,
    )
    return {"agent": agent}


MODULE = ContextModule(
    name="agent",
    routes=Routes(token_api=bots.ROUTES, web=[*draftbot.ROUTES, *agent_tools.ROUTES]),
    errors=agent_errors.ERRORS,
    messages=agent_errors.MESSAGES,
    dependencies=lambda c: {
        "agent_service": c.agent.agent_service,
        "publish_service": c.agent.publish_service,
    },
    crossdomain=lambda c: {AgentDirectory: c.agent.directory, PersonaRenderer: c.agent.persona_renderer},
    containers=_containers,
)
