"""Who may see and change which agent: the space's membership decides visibility, the
PermissionChecker decides the action.

Visibility first: an agent of a space the caller is not an active member of (or that a token is not
bound to) is AgentNotFound, exactly like a missing id. Inside the space the right `agent:<action>`
comes from the space roles and custom grants (ADR 0017); the agent's creator may also update,
publish and delete their own agent while they hold the right to create agents there (space members
do by default), as in Coze where members own what they build.
"""

from __future__ import annotations

from enum import StrEnum

from application.common.actor import Actor
from crossdomain.permission import Action, PermissionChecker, Resource, ResourceKind
from crossdomain.space import SpaceMembership
from domain.agent.entities import AgentDraft
from domain.agent.errors import AgentActionDenied, AgentNotFound
from domain.agent.ports import AgentRepository
from domain.common.access import SpaceNotFound


class AgentAction(StrEnum):
    CREATE = Action.CREATE.value
    READ = Action.READ.value
    UPDATE = Action.UPDATE.value
    DELETE = Action.DELETE.value
    PUBLISH = Action.PUBLISH.value


_CREATOR_MAY = frozenset({AgentAction.UPDATE, AgentAction.DELETE, AgentAction.PUBLISH})


class AgentAccess:
    def __init__(
        self, agents: AgentRepository, membership: SpaceMembership, permissions: PermissionChecker
    ) -> None:
        self._agents, self._membership, self._permissions = agents, membership, permissions

    async def space(self, actor: Actor, space_id: int, action: AgentAction) -> None:
        """The caller may do `action` on agents of the space; SpaceNotFound when it is not theirs."""
        if not await self._member(actor, space_id):
            raise SpaceNotFound()
        agents = Resource.in_space(ResourceKind.AGENT, space_id)
        if not await self._permissions.check(actor, agents, Action(action.value)):
            raise AgentActionDenied(action=action.value)

    async def agent(
        self, actor: Actor, agent_id: int, action: AgentAction, *, for_update: bool = False
    ) -> AgentDraft:
        """The draft when the caller may do `action` on it (inside the caller's unit of work)."""
        draft = await self._agents.get(agent_id, for_update=for_update)
        if draft is None or not await self._member(actor, draft.space_id):
            raise AgentNotFound()
        this = Resource.in_space(ResourceKind.AGENT, draft.space_id, draft.id)
        if await self._permissions.check(actor, this, Action(action.value)):
            return draft
        if (
            action in _CREATOR_MAY
            and draft.owner_id == actor.user_id
            and await self._permissions.check(actor, this.any_of_kind(), Action.CREATE)
        ):
            return draft
        raise AgentActionDenied(action=action.value)

    async def visible_space(self, actor: Actor, space_id: int) -> None:
        """Reading lists needs membership and the read right."""
        await self.space(actor, space_id, AgentAction.READ)

    async def _member(self, actor: Actor, space_id: int) -> bool:
        if not actor.reaches_space(space_id):
            return False
        return await self._membership.role_in(space_id, actor.user_id) is not None
