"""Which agent a chat runs: the latest version published to the API, or the draft for the SPA,
and only when the caller may use it (its space, the token's space, the permission to execute)."""

from __future__ import annotations

from application.common.actor import Actor
from crossdomain.agent import CONNECTOR_API, AgentDirectory, AgentSnapshot
from crossdomain.permission import Action, PermissionChecker, Resource, ResourceKind
from domain.conversation.errors import AgentNotAvailable, AgentNotPublished


class AgentGate:
    def __init__(self, directory: AgentDirectory, permissions: PermissionChecker) -> None:
        self._directory, self._permissions = directory, permissions

    async def snapshot(self, actor: Actor, agent_id: int, *, draft: bool) -> AgentSnapshot:
        found = await (
            self._directory.draft(agent_id) if draft else self._directory.published(agent_id, CONNECTOR_API)
        )
        if found is not None:
            if not await self._reachable(actor, found):
                raise AgentNotAvailable(bot_id=str(agent_id))
            return found
        if not draft:
            # Tell "not published" from "unknown" only to those who may see the agent at all.
            unpublished = await self._directory.draft(agent_id)
            if unpublished is not None and await self._reachable(actor, unpublished):
                raise AgentNotPublished(bot_id=str(agent_id))
        raise AgentNotAvailable(bot_id=str(agent_id))

    async def _reachable(self, actor: Actor, snapshot: AgentSnapshot) -> bool:
        if not actor.reaches_space(snapshot.space_id):
            return False
        return await self._permissions.check(
            actor, Resource(ResourceKind.AGENT, snapshot.agent_id, snapshot.space_id), Action.EXECUTE
        )
