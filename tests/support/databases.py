"""Fresh, migrated databases for tests: a SQLite file or a throw-away MariaDB schema."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bootstrap.paths import migrations_dir
from infra.persistence import migrate
from tests.support.servers import server_url

MYSQL_ENV = "COZEPLUS_TEST_MYSQL_URL"


def mysql_server_url() -> str:
    return server_url(MYSQL_ENV).rstrip("/") + "/"


async def _exec(server_url: str, sql: str) -> None:
    engine = create_async_engine(server_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(sql))
    finally:
        await engine.dispose()


@contextmanager
def empty_database(kind: str, tmp_path: Path) -> Iterator[str]:
    """Yield the URL of an empty database of `kind` ('sqlite' or 'mysql'); drop it afterwards."""
    if kind == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'cozeplus.db'}"
        return
    server = mysql_server_url()
    name = f"cpt_{uuid.uuid4().hex[:12]}"
    asyncio.run(_exec(server, f"CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))
    try:
        yield f"{server}{name}?charset=utf8mb4"
    finally:
        asyncio.run(_exec(server, f"DROP DATABASE IF EXISTS {name}"))


@contextmanager
def migrated_database(kind: str, tmp_path: Path) -> Iterator[str]:
    with empty_database(kind, tmp_path) as url:
        migrate.upgrade(migrations_dir(), url)
        yield url


DB_KINDS = ["sqlite", pytest.param("mysql", marks=pytest.mark.mysql)]
