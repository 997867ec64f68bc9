"""The history a model sees: walking parent ids from the leaf of a 200-message conversation.

    python -m tests.bench.bench_conversation_path [--rounds N]

Compares the repository's way (MessageRepository.path: read the section's newest messages below the
leaf in batches and walk the parent chain in memory, reading another batch only when the chain
leaves the one read) with the alternative, one recursive CTE that walks parent ids by primary key. The
conversation has 100 turns; every fifth answer was regenerated once and every seventh question
edited, so the branch is not simply "every message". SQLite always; MariaDB too when
COZEPLUS_TEST_MYSQL_URL is set (scripts/services.py).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

# Run from a checkout: its src/ wins over an installed copy of the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from sqlalchemy import case, literal, select, text
from sqlalchemy.ext.asyncio import create_async_engine

from bootstrap.paths import migrations_dir
from domain.conversation.entities import Message
from domain.conversation.values import MessageRole, MessageType
from infra.clock import SystemClock
from infra.idgen import SnowflakeIds
from infra.persistence import migrate
from infra.persistence.conversation import MessageRow
from infra.persistence.conversation.messages import SqlMessageRepository
from infra.persistence.database import Database
from infra.persistence.uow import SqlUnitOfWorkFactory, current_session

T0 = datetime(2026, 3, 1, tzinfo=UTC)


async def recursive_path(leaf_id: int, section_id: int, limit: int) -> list[int]:
    """The alternative: one recursive CTE (SQLite, MariaDB 10.2+, MySQL 8) that walks parent ids
    by primary key, counting live messages so it stops once `limit` are found."""
    m = MessageRow.__table__.c
    live = case((m.deleted_at.is_(None), 1), else_=0)
    start = (
        select(m.id, m.parent_id, literal(0).label("depth"), live.label("kept"))
        .where(m.id == leaf_id, m.section_id == section_id)
        .cte("branch", recursive=True)
    )
    step = (
        select(m.id, m.parent_id, start.c.depth + 1, start.c.kept + live)
        .join_from(start, MessageRow.__table__, m.id == start.c.parent_id)
        .where(m.section_id == section_id, m.id < start.c.id, start.c.kept < limit)
    )
    branch = start.union_all(step)
    rows = (
        (
            await current_session().execute(
                select(MessageRow)
                .join(branch, MessageRow.id == branch.c.id)
                .where(MessageRow.deleted_at.is_(None))
                .order_by(branch.c.depth)
                .limit(limit)
            )
        )
        .scalars()
        .all()
    )
    return [r.id for r in reversed(rows)]


async def build(uow: SqlUnitOfWorkFactory, ids: SnowflakeIds, others: int) -> tuple[int, int, int]:
    """200 messages in one section, written turn by turn alongside `others` busy conversations of
    the same shape (so the table holds other sections' messages in between); returns the measured
    conversation's (conversation, section, leaf)."""
    repo = SqlMessageRepository()
    threads = [(ids.next_id(), ids.next_id()) for _ in range(others + 1)]
    leaves: list[int | None] = [None] * len(threads)

    def message(thread: int, parent_id: int | None, role: MessageRole) -> Message:
        conversation, section = threads[thread]
        kind = MessageType.QUESTION if role is MessageRole.USER else MessageType.ANSWER
        return Message(ids.next_id(), conversation, section, parent_id, role, kind, "x" * 200, created_at=T0)

    async with uow() as tx:
        made, turn = 0, 0
        while made < 200:
            for thread in range(len(threads)):
                parent = leaves[thread]
                extra_question = turn % 7 == 6 and made + 3 <= 200
                extra_answer = turn % 5 == 4 and made + 2 + extra_question <= 200
                if extra_question:  # an edited question: the original stays as a sibling
                    await repo.add(message(thread, parent, MessageRole.USER))
                question = message(thread, parent, MessageRole.USER)
                await repo.add(question)
                if extra_answer:  # a regenerated answer: the first one stays too
                    await repo.add(message(thread, question.id, MessageRole.ASSISTANT))
                answer = message(thread, question.id, MessageRole.ASSISTANT)
                await repo.add(answer)
                leaves[thread] = answer.id
                if thread == 0:
                    made += 2 + extra_question + extra_answer
            turn += 1
        await tx.commit()
    leaf = leaves[0]
    assert leaf is not None
    return threads[0][0], threads[0][1], leaf


async def timed(
    rounds: int, calls: dict[str, Callable[[], Awaitable[list[int]]]]
) -> dict[str, tuple[float, float, int]]:
    """p50/p99 per method; the methods take turns call by call, so load on the machine (other
    processes) falls on all of them alike."""
    samples: dict[str, list[float]] = {name: [] for name in calls}
    length = 0
    for round_ in range(rounds + 5):
        for name, call in calls.items():
            started = time.perf_counter()
            length = len(await call())
            if round_ >= 5:  # warm-up
                samples[name].append((time.perf_counter() - started) * 1000)
    out = {}
    for name, values in samples.items():
        values.sort()
        out[name] = (statistics.median(values), values[int(len(values) * 0.99) - 1], length)
    return out


async def run(url: str, label: str, rounds: int, others: int) -> None:
    await asyncio.to_thread(migrate.upgrade, migrations_dir(), url)  # alembic runs its own loop
    db = Database(url)
    ids = SnowflakeIds(worker_id=3)
    uow = SqlUnitOfWorkFactory(db, ids, SystemClock())
    repo = SqlMessageRepository()
    try:
        _, section, leaf = await build(uow, ids, others)
        for limit in (20, 200):

            async def cte(limit: int = limit) -> list[int]:
                async with uow():
                    return await recursive_path(leaf, section, limit)

            async def iterative(limit: int = limit) -> list[int]:
                async with uow():
                    return [m.id for m in await repo.path(leaf, section, limit)]

            assert await cte() == await iterative()
            figures = await timed(rounds, {"recursive CTE": cte, "batches (repository)": iterative})
            for name, (p50, p99, length) in figures.items():
                print(f"| {label} | {others} | {limit} | {name} | {length} | {p50:.2f} | {p99:.2f} |")
    finally:
        await db.dispose()


async def main_async(rounds: int) -> None:
    print("| database | other conversations | limit | method | messages on the path | p50 ms | p99 ms |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for others in (0, 50):
            await run(f"sqlite+aiosqlite:///{Path(tmp) / f'bench{others}.db'}", "SQLite", rounds, others)
    server = os.environ.get("COZEPLUS_TEST_MYSQL_URL")
    if server:
        server = server.rstrip("/") + "/"
        name = f"cpb_{uuid.uuid4().hex[:10]}"
        engine = create_async_engine(server)
        async with engine.begin() as conn:
            for others in (0, 50):
                await conn.execute(text(f"CREATE DATABASE {name}{others} CHARACTER SET utf8mb4"))
        try:
            for others in (0, 50):
                await run(f"{server}{name}{others}?charset=utf8mb4", "MariaDB", rounds, others)
        finally:
            async with engine.begin() as conn:
                for others in (0, 50):
                    await conn.execute(text(f"DROP DATABASE IF EXISTS {name}{others}"))
            await engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args(argv)
    asyncio.run(main_async(args.rounds))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
