"""The MySQL pool pings a connection only after it sat idle (infra/persistence/database.py): one that
died while idle is replaced unseen; one that died moments after its last use fails the request that
gets it, and the next request gets a fresh connection."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from infra.persistence.database import Database
from tests.support.databases import empty_database

pytestmark = pytest.mark.mysql


@pytest.fixture
def mysql_url(tmp_path: Path) -> AsyncIterator[str]:
    with empty_database("mysql", tmp_path) as url:
        yield url


async def connection_id(db: Database) -> int:
    async with db.session() as session:
        return int((await session.execute(text("SELECT CONNECTION_ID()"))).scalar_one())


async def kill(url: str, victim: int) -> None:
    killer = Database(url)  # a pool of its own: the victim's pool would hand out the victim
    try:
        async with killer.engine.connect() as conn:
            await conn.execute(text(f"KILL {victim}"))
    finally:
        await killer.dispose()


async def test_a_connection_that_died_while_idle_is_replaced(mysql_url: str) -> None:
    db = Database(mysql_url, pool_size=2, idle_ping_s=0.2)
    try:
        first = await connection_id(db)
        await kill(mysql_url, first)
        await asyncio.sleep(0.3)
        assert await connection_id(db) != first  # no error: the ping found it dead
    finally:
        await db.dispose()


async def test_a_connection_used_moments_ago_is_not_pinged(mysql_url: str) -> None:
    db = Database(mysql_url, pool_size=2, idle_ping_s=60)
    try:
        first = await connection_id(db)
        await kill(mysql_url, first)
        await asyncio.sleep(0.1)
        with pytest.raises(DBAPIError):
            await connection_id(db)  # the round trip a ping would have cost is saved, this fails
        assert await connection_id(db) != first  # the pool recovered
    finally:
        await db.dispose()
