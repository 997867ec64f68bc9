"""Migration 0003 (event bus tables) goes up and down on SQLite and MariaDB and matches the models."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine

from bootstrap.paths import migrations_dir
from infra.persistence import migrate
from infra.persistence.tables import metadata
from tests.support.databases import empty_database

EVENTBUS_TABLES = {"event_processed", "event_dead_letter", "event_delivery", "process_lease"}


async def _inspect(url: str) -> tuple[set[str], list[Any]]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:

            def look(sync_conn: Any) -> tuple[set[str], list[Any]]:
                tables = set(inspect(sync_conn).get_table_names())
                diff = compare_metadata(MigrationContext.configure(sync_conn), metadata)
                return tables, diff

            return await conn.run_sync(look)
    finally:
        await engine.dispose()


def test_up_down_up(db_kind: str, tmp_path: Path) -> None:
    with empty_database(db_kind, tmp_path) as url:
        migrate.upgrade(migrations_dir(), url)
        tables, diff = asyncio.run(_inspect(url))
        assert tables >= EVENTBUS_TABLES
        assert [d for d in diff if _is_eventbus(d)] == []  # models and migration agree

        migrate.downgrade(migrations_dir(), url, "0002")  # the revision before the event bus
        tables, _ = asyncio.run(_inspect(url))
        assert not (EVENTBUS_TABLES & tables)
        assert "outbox_event" in tables

        migrate.upgrade(migrations_dir(), url)
        tables, _ = asyncio.run(_inspect(url))
        assert tables >= EVENTBUS_TABLES


def _is_eventbus(diff: Any) -> bool:
    return any(name in repr(diff) for name in EVENTBUS_TABLES)
