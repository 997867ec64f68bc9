"""Tables and repositories of the agent context: drafts, published versions, publish records.

The nested configuration is one JSON column (AgentConfig.to_json); name, description and icon are
columns because lists show them. A version row is never changed except for its `live` flag.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, String, exists, func, select, update
from sqlalchemy.orm import Mapped, mapped_column

from domain.agent.config import AgentConfig
from domain.agent.entities import AgentDraft, AgentVersion, Icon, PublishRecord
from domain.agent.values import MAX_VERSION_NOTE
from infra.persistence.base import Base, Int64, Json, UtcDateTime
from infra.persistence.paging import counted_page
from infra.persistence.uow import current_session


class AgentDraftRow(Base):
    __tablename__ = "agent_draft"
    __table_args__ = (
        Index("ix_agent_draft_space_id_deleted_at_updated_at", "space_id", "deleted_at", "updated_at"),
    )

    id: Mapped[int] = mapped_column(Int64, primary_key=True, autoincrement=False)
    space_id: Mapped[int] = mapped_column(Int64, ForeignKey("space.id", ondelete="CASCADE"))
    owner_id: Mapped[int] = mapped_column(Int64)
    name: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(String(500))
    icon_uri: Mapped[str] = mapped_column(String(1024))
    icon_file_id: Mapped[int | None] = mapped_column(Int64, nullable=True)
    icon_file_owner_id: Mapped[int | None] = mapped_column(Int64, nullable=True)
    config: Mapped[Any] = mapped_column(Json)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

    def to_entity(self) -> AgentDraft:
        return AgentDraft(
            id=self.id,
            space_id=self.space_id,
            owner_id=self.owner_id,
            name=self.name,
            description=self.description,
            icon=Icon(self.icon_uri, self.icon_file_id, self.icon_file_owner_id),
            config=AgentConfig.from_json(self.config or {}),
            created_at=self.created_at,
            updated_at=self.updated_at,
            deleted_at=self.deleted_at,
        )


def _draft_values(d: AgentDraft) -> dict[str, Any]:
    return {
        "space_id": d.space_id,
        "owner_id": d.owner_id,
        "name": d.name,
        "description": d.description,
        "icon_uri": d.icon.uri,
        "icon_file_id": d.icon.file_id,
        "icon_file_owner_id": d.icon.file_owner_id,
        "config": d.config.to_json(),
        "created_at": d.created_at,
        "updated_at": d.updated_at,
        "deleted_at": d.deleted_at,
    }


class AgentVersionRow(Base):
    __tablename__ = "agent_version"
    __table_args__ = (
        # the primary key (agent_id, connector_id, version) serves the per-chat lookup of the live
        # version; this one serves "published agents of a space".
        Index(
            "ix_agent_version_space_id_connector_id_live", "space_id", "connector_id", "live", "published_at"
        ),
    )

    agent_id: Mapped[int] = mapped_column(
        Int64, ForeignKey("agent_draft.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    connector_id: Mapped[int] = mapped_column(Int64, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(Int64, primary_key=True, autoincrement=False)
    space_id: Mapped[int] = mapped_column(Int64)
    owner_id: Mapped[int] = mapped_column(Int64)
    name: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(String(500))
    icon_uri: Mapped[str] = mapped_column(String(1024))
    icon_file_id: Mapped[int | None] = mapped_column(Int64, nullable=True)
    icon_file_owner_id: Mapped[int | None] = mapped_column(Int64, nullable=True)
    config: Mapped[Any] = mapped_column(Json)
    publisher_id: Mapped[int] = mapped_column(Int64)
    published_at: Mapped[datetime] = mapped_column(UtcDateTime)
    live: Mapped[bool] = mapped_column(Boolean)

    def to_entity(self) -> AgentVersion:
        return AgentVersion(
            agent_id=self.agent_id,
            connector_id=self.connector_id,
            version=self.version,
            space_id=self.space_id,
            owner_id=self.owner_id,
            name=self.name,
            description=self.description,
            icon=Icon(self.icon_uri, self.icon_file_id, self.icon_file_owner_id),
            config=AgentConfig.from_json(self.config or {}),
            publisher_id=self.publisher_id,
            published_at=self.published_at,
            live=self.live,
        )


class AgentPublishRecordRow(Base):
    __tablename__ = "agent_publish_record"
    __table_args__ = (Index("ix_agent_publish_record_agent_id_id", "agent_id", "id"),)

    id: Mapped[int] = mapped_column(Int64, primary_key=True, autoincrement=False)
    agent_id: Mapped[int] = mapped_column(Int64, ForeignKey("agent_draft.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Int64)
    connector_ids: Mapped[Any] = mapped_column(Json)
    publisher_id: Mapped[int] = mapped_column(Int64)
    published_at: Mapped[datetime] = mapped_column(UtcDateTime)
    note: Mapped[str] = mapped_column(String(MAX_VERSION_NOTE), default="", server_default="")


class SqlAgentRepository:
    async def get(self, agent_id: int, *, for_update: bool = False) -> AgentDraft | None:
        query = select(AgentDraftRow).where(AgentDraftRow.id == agent_id, AgentDraftRow.deleted_at.is_(None))
        if for_update:
            query = query.with_for_update()
        row = (await current_session().execute(query)).scalar_one_or_none()
        return None if row is None else row.to_entity()

    async def add(self, draft: AgentDraft) -> None:
        current_session().add(AgentDraftRow(id=draft.id, **_draft_values(draft)))
        await current_session().flush()

    async def save(self, draft: AgentDraft) -> None:
        await current_session().execute(
            update(AgentDraftRow)
            .where(AgentDraftRow.id == draft.id)
            .values(**_draft_values(draft))
            .execution_options(synchronize_session=False)
        )

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
        where = [AgentDraftRow.space_id == space_id, AgentDraftRow.deleted_at.is_(None)]
        if name:
            where.append(func.lower(AgentDraftRow.name).contains(name.lower(), autoescape=True))
        if published is not None:
            live = exists().where(
                AgentVersionRow.agent_id == AgentDraftRow.id,
                AgentVersionRow.live.is_(True),
                *([AgentVersionRow.connector_id == connector_id] if connector_id is not None else []),
            )
            where.append(live if published else ~live)
        order = (AgentDraftRow.updated_at.desc(), AgentDraftRow.id.desc())
        return await counted_page(AgentDraftRow, where, order, offset, limit)


class SqlAgentVersionRepository:
    async def publish(self, versions: Sequence[AgentVersion]) -> None:
        session = current_session()
        for v in versions:
            await session.execute(
                update(AgentVersionRow)
                .where(
                    AgentVersionRow.agent_id == v.agent_id,
                    AgentVersionRow.connector_id == v.connector_id,
                    AgentVersionRow.live.is_(True),
                )
                .values(live=False)
                .execution_options(synchronize_session=False)
            )
            session.add(
                AgentVersionRow(
                    agent_id=v.agent_id,
                    connector_id=v.connector_id,
                    version=v.version,
                    space_id=v.space_id,
                    owner_id=v.owner_id,
                    name=v.name,
                    description=v.description,
                    icon_uri=v.icon.uri,
                    icon_file_id=v.icon.file_id,
                    icon_file_owner_id=v.icon.file_owner_id,
                    config=v.config.to_json(),
                    publisher_id=v.publisher_id,
                    published_at=v.published_at,
                    live=True,
                )
            )
        await session.flush()

    async def live(self, agent_id: int, connector_id: int) -> AgentVersion | None:
        # Newest first: should two publishes ever race, the later version wins.
        query = (
            select(AgentVersionRow)
            .where(
                AgentVersionRow.agent_id == agent_id,
                AgentVersionRow.connector_id == connector_id,
                AgentVersionRow.live.is_(True),
            )
            .order_by(AgentVersionRow.version.desc())
            .limit(1)
        )
        row = (await current_session().execute(query)).scalar_one_or_none()
        return None if row is None else row.to_entity()

    async def newest_live(self, agent_id: int) -> AgentVersion | None:
        query = (
            select(AgentVersionRow)
            .where(AgentVersionRow.agent_id == agent_id, AgentVersionRow.live.is_(True))
            .order_by(AgentVersionRow.version.desc(), AgentVersionRow.connector_id.desc())
            .limit(1)
        )
        row = (await current_session().execute(query)).scalar_one_or_none()
        return None if row is None else row.to_entity()

    async def live_connectors(self, agent_ids: Sequence[int]) -> dict[int, dict[int, AgentVersion]]:
        if not agent_ids:
            return {}
        rows = (
            await current_session().execute(
                select(AgentVersionRow)
                .where(AgentVersionRow.agent_id.in_(list(agent_ids)), AgentVersionRow.live.is_(True))
                .order_by(AgentVersionRow.version)
            )
        ).scalars()
        found: dict[int, dict[int, AgentVersion]] = {}
        for row in rows:  # ascending, so a newer version overwrites an older one
            found.setdefault(row.agent_id, {})[row.connector_id] = row.to_entity()
        return found

    async def unpublish(self, agent_id: int, connector_id: int | None = None) -> int:
        where = [AgentVersionRow.agent_id == agent_id, AgentVersionRow.live.is_(True)]
        if connector_id is not None:
            where.append(AgentVersionRow.connector_id == connector_id)
        result = await current_session().execute(
            update(AgentVersionRow)
            .where(*where)
            .values(live=False)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def list_live(
        self, space_id: int, connector_id: int, offset: int, limit: int
    ) -> tuple[Sequence[AgentVersion], int]:
        where = (
            AgentVersionRow.space_id == space_id,
            AgentVersionRow.connector_id == connector_id,
            AgentVersionRow.live.is_(True),
        )
        order = (AgentVersionRow.published_at.desc(), AgentVersionRow.agent_id.desc())
        return await counted_page(AgentVersionRow, where, order, offset, limit)


class SqlPublishRecordRepository:
    async def add(self, record: PublishRecord) -> None:
        current_session().add(
            AgentPublishRecordRow(
                id=record.id,
                agent_id=record.agent_id,
                version=record.version,
                connector_ids=list(record.connector_ids),
                publisher_id=record.publisher_id,
                published_at=record.published_at,
                note=record.note,
            )
        )
        await current_session().flush()

    async def list(self, agent_id: int, offset: int, limit: int) -> tuple[Sequence[PublishRecord], int]:
        where = AgentPublishRecordRow.agent_id == agent_id
        session = current_session()
        total = (
            await session.execute(select(func.count()).select_from(AgentPublishRecordRow).where(where))
        ).scalar_one()
        rows = (
            await session.execute(
                select(AgentPublishRecordRow)
                .where(where)
                .order_by(AgentPublishRecordRow.id.desc())
                .offset(offset)
                .limit(limit)
            )
        ).scalars()
        records = [
            PublishRecord(
                r.id,
                r.agent_id,
                r.version,
                tuple(r.connector_ids or ()),
                r.publisher_id,
                r.published_at,
                r.note or "",
            )
            for r in rows
        ]
        return records, int(total)
