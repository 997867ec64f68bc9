from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from crossdomain.modelmgr import ChatModelCatalog, ChatModelChoice
from domain.agent.entities import AgentDraft, AgentVersion, PublishRecord


class AgentRepository(Protocol):
    """Drafts; a deleted draft is invisible to every read. Use inside an open unit of work."""

    async def get(self, agent_id: int, *, for_update: bool = False) -> AgentDraft | None:
        """`for_update` locks the row until the unit of work ends (serialises publishes)."""
        ...

    async def add(self, draft: AgentDraft) -> None: ...

    async def save(self, draft: AgentDraft) -> None: ...

    async def list_in_space(
        self,
        space_id: int,
        offset: int,
        limit: int,
        *,
        published: bool | None = None,
        connector_id: int | None = None,
        name: str | None = None,
    ) -> tuple[Sequence[AgentDraft], int]:
        """Drafts of a space, most recently updated first, and how many there are. `published`
        narrows to drafts with (True) or without (False) a live version on `connector_id`; `name`
        to drafts whose name holds it, ignoring case (a plain substring, no wildcards)."""
        ...


class AgentVersionRepository(Protocol):
    async def publish(self, versions: Sequence[AgentVersion]) -> None:
        """Store the versions; each becomes the one its connector serves for its agent."""
        ...

    async def live(self, agent_id: int, connector_id: int) -> AgentVersion | None: ...

    async def newest_live(self, agent_id: int) -> AgentVersion | None:
        """The newest version live on any connector."""
        ...

    async def live_connectors(self, agent_ids: Sequence[int]) -> dict[int, dict[int, AgentVersion]]:
        """For each agent that has any: connector id -> the version live there."""
        ...

    async def unpublish(self, agent_id: int, connector_id: int | None = None) -> int:
        """No version of the agent stays live on the connector (every connector when None); how
        many were live."""
        ...

    async def list_live(
        self, space_id: int, connector_id: int, offset: int, limit: int
    ) -> tuple[Sequence[AgentVersion], int]:
        """The versions live on a connector for a space's agents, most recently published first."""
        ...


class PublishRecordRepository(Protocol):
    async def add(self, record: PublishRecord) -> None: ...

    async def list(self, agent_id: int, offset: int, limit: int) -> tuple[Sequence[PublishRecord], int]:
        """Newest first."""
        ...


# What the agent context asks the model catalogue: the modelmgr context answers it.
ModelChoice = ChatModelChoice
ChatModels = ChatModelCatalog
