from __future__ import annotations

from domain.common.errors import InvalidInput, NotFound, PermissionDenied


class AgentNotFound(NotFound):
    """Also what a caller outside the agent's space sees: another space's id looks like a missing one."""

    message_key = "agent.not_found"


class AgentNotPublished(NotFound):
    """The agent exists but no version of it is live on the connector asked about (Coze 4015)."""

    message_key = "agent.not_published"


class InvalidAgentConfig(InvalidInput):
    """`reason` names the field and what is wrong with it."""

    message_key = "agent.invalid_config"


class InvalidPersona(InvalidInput):
    """The persona prompt is not a template the sandbox accepts; `reason` says where and why."""

    message_key = "agent.invalid_persona"


class UnknownModel(InvalidInput):
    """The model id names no active chat model of the catalogue."""

    message_key = "agent.unknown_model"


class InvalidConnector(InvalidInput):
    message_key = "agent.invalid_connector"


class AgentActionDenied(PermissionDenied):
    """A member of the agent's space without the right for this action on agents."""

    message_key = "agent.action_denied"
