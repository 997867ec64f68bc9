"""Publishing: immutable versions per connector, publish records, unpublish, and the published reads.

A version is a snowflake id from the IdGenerator, shown as a decimal string: unique across
processes and increasing with time, so "newest" is "largest" without a clock comparison.
"""

from __future__ import annotations

from collections.abc import Iterable

from application.agent.access import AgentAccess, AgentAction
from application.agent.dto import AgentSummary, AgentView, Connector, PublishRecordView, PublishResult
from application.agent.views import AgentViews
from application.common.actor import Actor, require_scope
from application.common.paging import Page, bounded
from crossdomain.agent import CONNECTOR_API, CONNECTOR_CHAT_SDK
from crossdomain.audit import AuditRecorder, AuditResult
from domain.agent.entities import PublishRecord
from domain.agent.errors import AgentNotPublished
from domain.agent.ports import AgentRepository, AgentVersionRepository, PublishRecordRepository
from domain.agent.services import checked_connectors
from domain.agent.values import MAX_VERSION_NOTE, checked_text
from domain.common.access import Scope
from domain.common.ports import Clock, IdGenerator, UnitOfWorkFactory

CONNECTORS = (
    Connector(CONNECTOR_API, "API", "Personal access tokens: the Coze-compatible token API"),
    Connector(CONNECTOR_CHAT_SDK, "Chat SDK", "The web chat SDK"),
)


class PublishService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        agents: AgentRepository,
        versions: AgentVersionRepository,
        records: PublishRecordRepository,
        access: AgentAccess,
        views: AgentViews,
        audit: AuditRecorder,
        ids: IdGenerator,
        clock: Clock,
    ) -> None:
        self._uow, self._agents, self._versions, self._records = uow, agents, versions, records
        self._access, self._views, self._audit, self._ids, self._clock = access, views, audit, ids, clock

    @staticmethod
    def connectors() -> tuple[Connector, ...]:
        return CONNECTORS

    async def publish(
        self, actor: Actor, agent_id: int, connector_ids: Iterable[int], note: str = ""
    ) -> PublishResult:
        """Freeze the draft as a new version on each connector; each becomes what it serves.
        `note` is the publisher's description of the version, kept in the history."""
        require_scope(actor, Scope.BOT_WRITE)
        connectors = checked_connectors(connector_ids)
        note = checked_text(note, "history_info", MAX_VERSION_NOTE)
        now = self._clock.now()
        version = self._ids.next_id()
        async with self._uow() as uow:
            # The row lock orders concurrent publishes of one agent (a no-op on SQLite, which
            # serialises writers anyway).
            draft = await self._access.agent(actor, agent_id, AgentAction.PUBLISH, for_update=True)
            await self._versions.publish(
                [draft.version_for(c, version, actor.user_id, now) for c in connectors]
            )
            await self._records.add(
                PublishRecord(self._ids.next_id(), draft.id, version, connectors, actor.user_id, now, note)
            )
            await uow.commit()
        await self._audit.record(
            "agent.publish",
            AuditResult.OK,
            actor,
            target_type="agent",
            target_id=agent_id,
            detail={"version": str(version), "connector_ids": [str(c) for c in connectors]},
        )
        return PublishResult(agent_id, str(version), connectors, now)

    async def unpublish(self, actor: Actor, agent_id: int, connector_id: int, reason: str = "") -> None:
        """The connector stops serving the agent (AgentNotPublished when it did not)."""
        require_scope(actor, Scope.BOT_WRITE)
        connector = checked_connectors([connector_id])[0]
        async with self._uow() as uow:
            await self._access.agent(actor, agent_id, AgentAction.PUBLISH, for_update=True)
            if await self._versions.unpublish(agent_id, connector) == 0:
                raise AgentNotPublished(connector=str(connector))
            await uow.commit()
        await self._audit.record(
            "agent.unpublish",
            AuditResult.OK,
            actor,
            target_type="agent",
            target_id=agent_id,
            detail={"connector_id": str(connector), "reason": reason[:1024]},
        )

    async def history(
        self, actor: Actor, agent_id: int, page: int = 1, page_size: int = 20
    ) -> Page[PublishRecordView]:
        require_scope(actor, Scope.BOT_READ)
        size = bounded(page_size)
        offset = max(page - 1, 0) * size
        async with self._uow():
            await self._access.agent(actor, agent_id, AgentAction.READ)
            records, total = await self._records.list(agent_id, offset, size)
        items = [
            PublishRecordView(
                r.id, r.agent_id, str(r.version), r.connector_ids, r.publisher_id, r.published_at, r.note
            )
            for r in records
        ]
        return Page(items, total, offset + len(items) < total)

    async def published(
        self, actor: Actor, agent_id: int, connector_id: int | None = CONNECTOR_API
    ) -> AgentView:
        """The version live on `connector_id` (the newest on any connector when None)."""
        require_scope(actor, Scope.BOT_READ)
        async with self._uow():
            draft = await self._access.agent(actor, agent_id, AgentAction.READ)
            if connector_id is None:
                version = await self._versions.newest_live(agent_id)
            else:
                version = await self._versions.live(agent_id, checked_connectors([connector_id])[0])
        if version is None:
            raise AgentNotPublished(connector="any" if connector_id is None else str(connector_id))
        return await self._views.of_version(version, draft)

    async def list_published(
        self,
        actor: Actor,
        space_id: int,
        connector_id: int = CONNECTOR_API,
        page: int = 1,
        page_size: int = 20,
    ) -> Page[AgentSummary]:
        """The live versions of a space's agents on a connector, most recently published first."""
        require_scope(actor, Scope.BOT_READ)
        connector = checked_connectors([connector_id])[0]
        size = bounded(page_size)
        offset = max(page - 1, 0) * size
        async with self._uow():
            await self._access.visible_space(actor, space_id)
            versions, total = await self._versions.list_live(space_id, connector, offset, size)
        items = [await self._views.summary_of_version(v) for v in versions]
        return Page(items, total, offset + len(items) < total)
