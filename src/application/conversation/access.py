"""Who may see a conversation, and which agents a caller may talk to: decided here and only here.

A conversation belongs to the platform user who created it (the session's user or the token's
owner). Anyone else gets ConversationNotFound (Coze 4200), never a hint that it exists. A token
bound to a space sees only that space's conversations, and when the conversation is with an agent
the caller must still be allowed to read that agent in its space: losing membership of the space
hides its conversations too.
"""

from __future__ import annotations

from application.common.actor import Actor, require_scope
from crossdomain.agent import AgentDirectory, AgentSnapshot
from crossdomain.permission import Action, PermissionChecker, Resource, ResourceKind
from domain.common.access import Scope
from domain.conversation.entities import Conversation
from domain.conversation.errors import AgentNotAvailable, ConversationNotFound
from domain.conversation.ports import ConversationRepository

NO_SPACE = 0  # conversations a token client opens without a bot belong to no space


def space_of_new_conversation(actor: Actor) -> int:
    """The space a conversation without an agent is filed under: the token's space, if bound."""
    if actor.token is not None and actor.token.space_id is not None:
        return actor.token.space_id
    return NO_SPACE


class ConversationAccess:
    def __init__(
        self, conversations: ConversationRepository, agents: AgentDirectory, permissions: PermissionChecker
    ) -> None:
        self._conversations, self._agents, self._permissions = conversations, agents, permissions

    async def load(self, actor: Actor, conversation_id: int) -> Conversation:
        """The caller's conversation, read in the caller's unit of work; ConversationNotFound otherwise.

        Token calls need the chat scope."""
        require_scope(actor, Scope.CHAT)
        conversation = await self._conversations.get(conversation_id)
        if conversation is None or not await self.may_see(actor, conversation):
            raise ConversationNotFound()
        return conversation

    async def may_see(self, actor: Actor, conversation: Conversation) -> bool:
        if conversation.creator_id != actor.user_id or conversation.deleted_at is not None:
            return False
        if not actor.reaches_space(conversation.space_id):
            return False
        if conversation.agent_id is None:
            return True
        return await self._may_read_agent(actor, conversation.space_id, conversation.agent_id)

    async def agent(self, actor: Actor, agent_id: int) -> AgentSnapshot:
        """The agent's draft when it exists and the caller may read it; AgentNotAvailable (4006)
        otherwise, the same answer for unknown, deleted and out-of-reach agents."""
        require_scope(actor, Scope.CHAT)
        snapshot = await self._agents.draft(agent_id)
        if snapshot is None:
            raise AgentNotAvailable()
        if not actor.reaches_space(snapshot.space_id):
            raise AgentNotAvailable()
        if not await self._may_read_agent(actor, snapshot.space_id, agent_id):
            raise AgentNotAvailable()
        return snapshot

    async def _may_read_agent(self, actor: Actor, space_id: int, agent_id: int) -> bool:
        return await self._permissions.check(
            actor, Resource(ResourceKind.AGENT, agent_id, space_id), Action.READ
        )
