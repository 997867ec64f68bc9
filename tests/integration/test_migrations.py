"""Migrations go up and down on SQLite and MariaDB, and match the models exactly."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from bootstrap.paths import migrations_dir
from infra.persistence import migrate
from infra.persistence.tables import metadata
from tests.support.databases import DB_KINDS, empty_database


def _inspect(url: str) -> tuple[set[str], str | None, list[object]]:
    async def run() -> tuple[set[str], str | None, list[object]]:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as conn:

                def read(sync: Connection) -> tuple[set[str], str | None, list[object]]:
                    ctx = MigrationContext.configure(sync, opts={"compare_type": True})
                    tables = set(inspect(sync).get_table_names())
                    return tables, ctx.get_current_revision(), compare_metadata(ctx, metadata)

                return await conn.run_sync(read)
        finally:
            await engine.dispose()

    return asyncio.run(run())


@pytest.mark.parametrize("kind", DB_KINDS)
def test_upgrade_matches_models_and_downgrade_empties(kind: str, tmp_path: Path) -> None:
    with empty_database(kind, tmp_path) as url:
        migrate.upgrade(migrations_dir(), url)
        tables, revision, diff = _inspect(url)
        assert revision == migrate.head_revision(migrations_dir())
        assert set(metadata.tables) <= tables
        assert diff == [], f"models and migrations disagree: {diff}"

        migrate.downgrade(migrations_dir(), url, "base")
        tables, revision, _ = _inspect(url)
        assert revision is None
        assert tables <= {"alembic_version"}

        migrate.upgrade(migrations_dir(), url)  # and up again: downgrade left nothing behind
        assert _inspect(url)[1] == migrate.head_revision(migrations_dir())


def test_every_revision_steps_down_and_up_one_at_a_time(tmp_path: Path) -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    with empty_database("sqlite", tmp_path) as url:
        cfg = Config()
        cfg.set_main_option("script_location", str(migrations_dir()))
        revisions = [r.revision for r in ScriptDirectory.from_config(cfg).walk_revisions()][::-1]
        for rev in revisions:
            migrate.upgrade(migrations_dir(), url, rev)
        for rev in reversed(revisions):
            migrate.downgrade(migrations_dir(), url, "-1")
            assert _inspect(url)[1] != rev
