"""Repositories of the plugin registry over the rows in `rows.py` (inside a unit of work)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, insert, select, update

from domain.plugin.entities import Plugin, PluginStatus, PluginVersion, Tool
from domain.plugin.ports import PluginQuery
from infra.persistence.paging import counted_page
from infra.persistence.plugin.grants import ConsentRow, UserGrantRow
from infra.persistence.plugin.rows import (
    PluginRow,
    ToolRow,
    VersionRow,
    plugin_values,
    tool_values,
    version_values,
)
from infra.persistence.uow import current_session


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class SqlPluginRepository:
    async def add(self, plugin: Plugin) -> None:
        # A statement, not session.add: the tools' insert right after must see the row.
        await current_session().execute(insert(PluginRow).values(id=plugin.id, **plugin_values(plugin)))

    async def get(self, plugin_id: int, *, for_update: bool = False) -> Plugin | None:
        query = select(PluginRow).where(PluginRow.id == plugin_id)
        if for_update:
            query = query.with_for_update()
        row = (await current_session().execute(query)).scalar_one_or_none()
        return None if row is None else row.to_entity()

    async def save(self, plugin: Plugin) -> None:
        await current_session().execute(
            update(PluginRow).where(PluginRow.id == plugin.id).values(plugin_values(plugin))
        )

    async def delete(self, plugin_id: int) -> None:
        session = current_session()
        # Explicit, not only ON DELETE CASCADE: SQLite enforces foreign keys per connection setting.
        await session.execute(delete(ToolRow).where(ToolRow.plugin_id == plugin_id))
        await session.execute(delete(VersionRow).where(VersionRow.plugin_id == plugin_id))
        await session.execute(delete(UserGrantRow).where(UserGrantRow.plugin_id == plugin_id))
        await session.execute(delete(ConsentRow).where(ConsentRow.plugin_id == plugin_id))
        await session.execute(delete(PluginRow).where(PluginRow.id == plugin_id))

    async def page(self, query: PluginQuery) -> tuple[list[Plugin], int]:
        where = [PluginRow.space_id == query.space_id]
        if query.name:
            where.append(func.lower(PluginRow.name).like(_like(query.name), escape="\\"))
        if query.published is not None:
            status = PluginStatus.PUBLISHED if query.published else PluginStatus.DRAFT
            where.append(PluginRow.status == status.value)
        if query.creator_id is not None:
            where.append(PluginRow.creator_id == query.creator_id)
        if query.plugin_ids:
            where.append(PluginRow.id.in_(list(query.plugin_ids)))
        order = (PluginRow.updated_at.desc(), PluginRow.id.desc())
        return await counted_page(PluginRow, where, order, (query.page - 1) * query.size, query.size)


class SqlToolRepository:
    async def of_plugin(self, plugin_id: int) -> list[Tool]:
        return (await self.of_plugins([plugin_id])).get(plugin_id, [])

    async def of_plugins(self, plugin_ids: Sequence[int]) -> dict[int, list[Tool]]:
        if not plugin_ids:
            return {}
        rows = await current_session().execute(
            select(ToolRow)
            .where(ToolRow.plugin_id.in_(list(plugin_ids)))
            .order_by(ToolRow.plugin_id, ToolRow.position)
        )
        found: dict[int, list[Tool]] = {}
        for row in rows.scalars():
            found.setdefault(row.plugin_id, []).append(row.to_entity())
        return found

    async def replace(self, plugin_id: int, tools: Sequence[Tool]) -> None:
        session = current_session()
        await session.execute(delete(ToolRow).where(ToolRow.plugin_id == plugin_id))
        if tools:
            await session.execute(insert(ToolRow), [tool_values(t, i) for i, t in enumerate(tools)])


class SqlVersionRepository:
    async def add(self, version: PluginVersion) -> None:
        await current_session().execute(insert(VersionRow).values(version_values(version)))

    async def latest(self, plugin_id: int) -> PluginVersion | None:
        return (await self.latest_of([plugin_id])).get(plugin_id)

    async def named(self, plugin_id: int, version: str) -> PluginVersion | None:
        row = (
            await current_session().execute(
                select(VersionRow).where(VersionRow.plugin_id == plugin_id, VersionRow.version == version)
            )
        ).scalar_one_or_none()
        return None if row is None else row.to_entity()

    async def latest_of(self, plugin_ids: Sequence[int]) -> dict[int, PluginVersion]:
        if not plugin_ids:
            return {}
        newest = (
            select(func.max(VersionRow.id))  # ids grow with time
            .where(VersionRow.plugin_id.in_(list(plugin_ids)))
            .group_by(VersionRow.plugin_id)
        )
        rows = await current_session().execute(select(VersionRow).where(VersionRow.id.in_(newest)))
        return {r.plugin_id: r.to_entity() for r in rows.scalars()}

    async def page(self, plugin_id: int, page: int, size: int) -> tuple[list[PluginVersion], int]:
        where = [VersionRow.plugin_id == plugin_id]
        order = (VersionRow.id.desc(),)
        return await counted_page(VersionRow, where, order, (page - 1) * size, size)
