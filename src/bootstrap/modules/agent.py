"""Agents (bots): drafts, versions, publishing."""

from api import agent_errors
from api.openapi import bots
from api.web import draftbot
from bootstrap.modules.base import ContextModule, Routes
from crossdomain.agent import AgentDirectory, PersonaRenderer

MODULE = ContextModule(
    name="agent",
    routes=Routes(token_api=bots.ROUTES, web=draftbot.ROUTES),
    errors=agent_errors.ERRORS,
    messages=agent_errors.MESSAGES,
    dependencies=lambda c: {
        "agent_service": c.agent.agent_service,
        "publish_service": c.agent.publish_service,
    },
    crossdomain=lambda c: {AgentDirectory: c.agent.directory, PersonaRenderer: c.agent.persona_renderer},
)
