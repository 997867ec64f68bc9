"""The SQLite driver (infra/persistence/sqlite_driver.py): one call to the connection's thread per
statement, none for a commit or rollback with no transaction open, and the same results, row
counts, errors and transaction behaviour as SQLAlchemy's own aiosqlite adapter."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiosqlite.core
import pytest
import sqlalchemy
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from infra.persistence import sqlite_driver
from infra.persistence.database import Database

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def test_runs_on_the_sqlalchemy_it_declares() -> None:
    """The module imports (on 2.0 it cannot), the installed release is one it supports, and the
    lower bound in pyproject.toml is the release the module says it needs."""
    import re
    import tomllib

    found = re.match(r"(\d+)\.(\d+)\.(\d+)", sqlalchemy.__version__)
    assert found is not None
    assert tuple(int(n) for n in found.groups()) >= sqlite_driver.MIN_SQLALCHEMY
    declared = tomllib.loads(PYPROJECT.read_text())["project"]["dependencies"]
    [spec] = [d for d in declared if d.lower().startswith("sqlalchemy")]
    major, minor, _ = sqlite_driver.MIN_SQLALCHEMY
    assert f">={major}.{minor}," in spec.replace(" ", ""), spec
    assert sqlite_driver.DRIVER


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the functions handed to aiosqlite connection threads."""
    seen: list[str] = []
    original = aiosqlite.core.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.core.Connection, "_execute", counted)
    return seen


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    async with database.engine.begin() as conn:
        await conn.execute(text("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)"))
    yield database
    await database.dispose()


async def test_one_call_a_statement_none_for_idle_commits(db: Database, calls: list[str]) -> None:
    async with db.session() as session:  # warm the pool: connecting takes calls of its own
        await session.execute(text("SELECT 1"))
    calls.clear()
    async with db.session() as session:
        rows = (await session.execute(text("SELECT :a AS a, :b AS b"), {"a": 1, "b": "x"})).all()
        await session.commit()  # nothing was written: no transaction is open
    assert [tuple(r) for r in rows] == [(1, "x")]
    assert len(calls) == 1, calls  # the statement; no cursor, fetch, close, commit or reset calls

    calls.clear()
    async with db.session() as session:
        await session.execute(text("INSERT INTO item (name) VALUES ('a')"))
        await session.commit()
    assert len(calls) == 2, calls  # the statement and the commit; the pool's reset has nothing to undo


async def test_results_row_counts_and_last_row_id(db: Database) -> None:
    async with db.session() as session:
        inserted = await session.execute(text("INSERT INTO item (name) VALUES ('one')"))
        assert inserted.lastrowid == 1
        many = [{"name": "two"}, {"name": "three"}]
        await session.execute(text("INSERT INTO item (name) VALUES (:name)"), many)
        updated = await session.execute(text("UPDATE item SET name = name || '!' WHERE id > 1"))
        assert updated.rowcount == 2  # type: ignore[attr-defined]
        await session.commit()
    async with db.session() as session:
        names = (await session.execute(text("SELECT name FROM item ORDER BY id"))).scalars().all()
        empty = (await session.execute(text("SELECT name FROM item WHERE id > 99"))).all()
    assert names == ["one", "two!", "three!"] and empty == []


async def test_an_uncommitted_write_is_rolled_back_and_errors_keep_their_class(db: Database) -> None:
    async with db.session() as session:
        await session.execute(text("INSERT INTO item (name) VALUES ('kept')"))
        await session.commit()
        await session.execute(text("INSERT INTO item (name) VALUES ('dropped')"))
        await session.rollback()
        with pytest.raises(IntegrityError):
            await session.execute(text("INSERT INTO item (name) VALUES ('kept')"))
        await session.rollback()
        with pytest.raises(OperationalError):
            await session.execute(text("SELECT nothing FROM nowhere"))
    async with db.session() as session:
        await session.execute(text("INSERT INTO item (name) VALUES ('left open')"))
        # closed without commit: the transaction must not survive into the pool
    async with db.session() as session:
        names = (await session.execute(text("SELECT name FROM item ORDER BY id"))).scalars().all()
    assert names == ["kept"]
