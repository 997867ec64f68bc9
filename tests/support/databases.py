"""Fresh, migrated databases for tests: a SQLite file or a throw-away MariaDB schema.

Running every migration for every test cost about half a second a test. A process migrates once
per kind instead: SQLite tests get a copy of a migrated template file; MariaDB tests borrow a
migrated schema from a pool, which is emptied back to the migrations' own rows when the test ends
(and dropped instead if emptying fails, so no test ever sees another's rows).
"""

from __future__ import annotations

import asyncio
import atexit
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

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


def _create_mysql_database() -> str:
    name = f"cpt_{uuid.uuid4().hex[:12]}"
    statement = f"CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
    asyncio.run(_exec(mysql_server_url(), statement))
    return name


def _drop_mysql_database(name: str) -> None:
    asyncio.run(_exec(mysql_server_url(), f"DROP DATABASE IF EXISTS {name}"))


def _mysql_url(name: str) -> str:
    return f"{mysql_server_url()}{name}?charset=utf8mb4"


@contextmanager
def empty_database(kind: str, tmp_path: Path) -> Iterator[str]:
    """Yield the URL of an empty database of `kind` ('sqlite' or 'mysql'); drop it afterwards."""
    if kind == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'cozeplus.db'}"
        return
    name = _create_mysql_database()
    try:
        yield _mysql_url(name)
    finally:
        _drop_mysql_database(name)


class _SqliteTemplate:
    """One migrated SQLite file per process, copied for each test (a page copy, not a migration)."""

    def __init__(self) -> None:
        self._path: Path | None = None

    def copy_to(self, target: Path) -> None:
        if self._path is None:
            folder = Path(tempfile.mkdtemp(prefix="cozeplus-template-"))
            atexit.register(shutil.rmtree, folder, ignore_errors=True)
            path = folder / "template.db"
            migrate.upgrade(migrations_dir(), f"sqlite+aiosqlite:///{path}")
            self._path = path
        source, copy = sqlite3.connect(self._path), sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            source.close()
            copy.close()


class _MysqlPool:
    """Migrated MariaDB schemas, each reset to the migrations' seed rows when given back."""

    def __init__(self) -> None:
        self._free: list[str] = []
        self._seeds: dict[str, list[dict[str, Any]]] | None = None
        atexit.register(self.close)

    def take(self) -> str:
        if self._free:
            return self._free.pop()
        name = _create_mysql_database()
        migrate.upgrade(migrations_dir(), _mysql_url(name))
        if self._seeds is None:
            self._seeds = asyncio.run(self._read_seeds(name))
        return name

    def give_back(self, name: str) -> None:
        try:
            asyncio.run(self._reset(name))
        except Exception:  # a test left locks or changed the schema: start that one afresh
            _drop_mysql_database(name)
        else:
            self._free.append(name)

    def close(self) -> None:
        while self._free:
            _drop_mysql_database(self._free.pop())

    async def _read_seeds(self, name: str) -> dict[str, list[dict[str, Any]]]:
        engine = create_async_engine(_mysql_url(name))
        try:
            async with engine.connect() as conn:
                seeds = {}
                for table in await _tables(conn):
                    rows = (await conn.execute(text(f"SELECT * FROM `{table}`"))).mappings().all()
                    seeds[table] = [dict(row) for row in rows]
                return seeds
        finally:
            await engine.dispose()

    async def _reset(self, name: str) -> None:
        assert self._seeds is not None
        engine = create_async_engine(_mysql_url(name))
        try:
            async with engine.begin() as conn:
                await conn.execute(text("SET SESSION innodb_lock_wait_timeout = 5, lock_wait_timeout = 5"))
                await conn.execute(text("SET FOREIGN_KEY_CHECKS = 0"))
                tables = await _tables(conn)
                if set(tables) != set(self._seeds):
                    raise RuntimeError(f"schema of {name} changed")
                for table in tables:
                    await conn.execute(text(f"DELETE FROM `{table}`"))
                for table, rows in self._seeds.items():
                    if rows:
                        columns = list(rows[0])
                        names = ", ".join(f"`{c}`" for c in columns)
                        values = ", ".join(f":{c}" for c in columns)
                        await conn.execute(text(f"INSERT INTO `{table}` ({names}) VALUES ({values})"), rows)
                await conn.execute(text("SET FOREIGN_KEY_CHECKS = 1"))
        finally:
            await engine.dispose()


async def _tables(conn: AsyncConnection) -> list[str]:
    result = await conn.execute(
        text("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()")
    )
    return sorted(str(row[0]) for row in result)


_SQLITE_TEMPLATE = _SqliteTemplate()
_MYSQL_POOL = _MysqlPool()


@contextmanager
def migrated_database(kind: str, tmp_path: Path) -> Iterator[str]:
    if kind == "sqlite":
        path = tmp_path / "cozeplus.db"
        _SQLITE_TEMPLATE.copy_to(path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    name = _MYSQL_POOL.take()
    try:
        yield _mysql_url(name)
    finally:
        _MYSQL_POOL.give_back(name)


DB_KINDS = ["sqlite", pytest.param("mysql", marks=pytest.mark.mysql)]
