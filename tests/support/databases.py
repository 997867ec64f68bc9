"""Fresh, migrated databases for tests: a SQLite file or a throw-away MariaDB schema."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bootstrap.paths import migrations_dir
from infra.persistence import migrate

MYSQL_ENV = "COZEPLUS_TEST_MYSQL_URL"
REQUIRE_ENV = "COZEPLUS_TEST_REQUIRE_SERVERS"


def mysql_server_url() -> str:
    """The MariaDB server started by `make test`; skipped only when not asked to require it."""
    url = os.environ.get(MYSQL_ENV)
    if not url:
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{MYSQL_ENV} is not set but real servers are required")
        pytest.skip(f"{MYSQL_ENV} not set (run through `make test`)")
    return url.rstrip("/") + "/"


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
