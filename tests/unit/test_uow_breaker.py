"""Every way out of a unit of work settles the database breaker's probe (no connection is made)."""

from __future__ import annotations

import asyncio

import pytest

from domain.common.errors import DatabaseUnavailable, NotFound
from infra.common.breaker import CLOSED, HALF_OPEN, Breaker
from infra.persistence.database import Database
from infra.persistence.uow import SqlUnitOfWork
from tests.support.chat_kit import SteppingClock
from tests.support.fakes import CountingIds


def half_open() -> tuple[Database, Breaker]:
    db = Database("mysql+asyncmy://root@127.0.0.1:9/nowhere")  # lazy: nothing connects here
    breaker = Breaker("database", reset_s=0.01)
    db.breaker = breaker
    breaker.trip("gone")
    return db, breaker


async def test_a_probe_that_ends_in_a_rule_error_closes_the_breaker() -> None:
    db, breaker = half_open()
    await asyncio.sleep(0.02)
    assert breaker.state == HALF_OPEN
    with pytest.raises(NotFound):
        async with SqlUnitOfWork(db, CountingIds(), SteppingClock()):
            raise NotFound()
    assert breaker.state == CLOSED
    await db.dispose()


async def test_a_probe_that_ends_in_a_bug_frees_the_slot_for_the_next() -> None:
    db, breaker = half_open()
    await asyncio.sleep(0.02)
    with pytest.raises(ZeroDivisionError):
        async with SqlUnitOfWork(db, CountingIds(), SteppingClock()):
            raise ZeroDivisionError
    async with SqlUnitOfWork(db, CountingIds(), SteppingClock()):  # allowed: the next probe
        pass
    assert breaker.state == CLOSED
    await db.dispose()


async def test_while_open_a_unit_of_work_is_refused_before_it_starts() -> None:
    db, breaker = half_open()
    with pytest.raises(DatabaseUnavailable) as refused:
        async with SqlUnitOfWork(db, CountingIds(), SteppingClock()):
            raise AssertionError("never entered")
    assert refused.value.retry_after == 1
    assert breaker.fast_failures == 1
    await db.dispose()
