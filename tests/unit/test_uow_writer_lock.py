"""The SQLite single-writer gate lives in the database adapter: write units of work of one process
queue on the database's writer lock; plain ones and MariaDB's never wait (no connection is made)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from infra.persistence.database import Database
from infra.persistence.uow import SqlUnitOfWorkFactory
from tests.support.chat_kit import SteppingClock
from tests.support.fakes import CountingIds


def factory(db: Database) -> SqlUnitOfWorkFactory:
    return SqlUnitOfWorkFactory(db, CountingIds(), SteppingClock())


async def test_sqlite_writers_take_turns_and_readers_do_not_queue(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    writes, reads = factory(db).writer(), factory(db)
    order: list[str] = []
    first_in = asyncio.Event()
    release_first = asyncio.Event()

    async def first() -> None:
        async with writes():
            order.append("first in")
            first_in.set()
            await release_first.wait()
            order.append("first out")

    async def second() -> None:
        await first_in.wait()
        async with writes():
            order.append("second in")

    tasks = [asyncio.create_task(first()), asyncio.create_task(second())]
    await first_in.wait()
    for _ in range(5):
        await asyncio.sleep(0)
    assert db.writer_lock is not None and db.writer_lock.locked()
    async with reads():  # a plain unit of work does not wait for the writer
        order.append("reader")
    release_first.set()
    await asyncio.gather(*tasks)
    assert order == ["first in", "reader", "first out", "second in"]
    assert not db.writer_lock.locked()
    await db.dispose()


async def test_a_nested_writer_joins_without_waiting_and_a_failure_frees_the_lock(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    writes = factory(db).writer()

    async def nested_then_fail() -> None:
        async with writes():
            async with writes():  # joins the enclosing transaction: would deadlock if it waited
                pass
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        await asyncio.wait_for(nested_then_fail(), 5)
    assert db.writer_lock is not None and not db.writer_lock.locked()
    await db.dispose()


async def test_mariadb_has_no_writer_lock() -> None:
    db = Database("mysql+asyncmy://root@127.0.0.1:9/nowhere")  # lazy: nothing connects here
    assert db.writer_lock is None
    await db.dispose()
