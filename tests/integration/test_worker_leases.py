"""Processes sharing a database get distinct id-generator worker numbers, so ids never collide."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

from infra.persistence.database import Database
from infra.persistence.worker_lease import WorkerLeases
from tests.support.databases import DB_KINDS, migrated_database

MINT = """
import asyncio, sys
from infra.idgen import SnowflakeIds
from infra.persistence.database import Database
from infra.persistence.worker_lease import WorkerLeases

async def main():
    db = Database(sys.argv[1])
    leases = WorkerLeases(db)
    worker = await leases.acquire()
    ids = SnowflakeIds(worker)
    print(worker)
    for _ in range(20000):
        print(ids.next_id())
    await db.dispose()

asyncio.run(main())
"""


@pytest.mark.parametrize("kind", DB_KINDS)
def test_parallel_processes_mint_disjoint_ids(kind: str, tmp_path: Path) -> None:
    with migrated_database(kind, tmp_path) as url:
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", MINT, url],
                stdout=subprocess.PIPE,
                text=True,
                env={"PYTHONPATH": str(Path(__file__).parents[2] / "src")},
            )
            for _ in range(4)
        ]
        outputs = [p.communicate(timeout=60)[0].split() for p in procs]
        assert all(p.returncode == 0 for p in procs)
        workers = [int(o[0]) for o in outputs]
        assert len(set(workers)) == 4
        minted = [int(v) for o in outputs for v in o[1:]]
        assert len(minted) == 80_000 == len(set(minted))


@pytest.mark.parametrize("kind", DB_KINDS)
def test_released_and_expired_leases_are_reused(kind: str, tmp_path: Path) -> None:
    from datetime import timedelta

    async def run(url: str) -> None:
        db = Database(url)
        try:
            first = WorkerLeases(db)
            a = await first.acquire()
            second = WorkerLeases(db)
            b = await second.acquire()
            assert a != b
            await first.release(a)
            assert await WorkerLeases(db).acquire() == a  # lowest free number again
            assert not await first.renew(a)  # lost it: someone else holds it now
            short = WorkerLeases(db, ttl=timedelta(seconds=-1))  # already-expired lease
            c = await short.acquire()
            assert await WorkerLeases(db).acquire() == c
        finally:
            await db.dispose()

    with migrated_database(kind, tmp_path) as url:
        asyncio.run(run(url))
