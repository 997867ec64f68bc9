"""The shared circuit breaker: timeouts, fail-fast while open, one probe at a time, recovery."""

from __future__ import annotations

import asyncio

import pytest

from domain.common.errors import NotFound, Unavailable
from infra.common.breaker import CLOSED, HALF_OPEN, OPEN, Breaker


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class ServerDown(Unavailable):
    message_key = "test.down"


async def ok() -> str:
    return "ok"


async def refused() -> str:
    raise ConnectionRefusedError("refused")


async def test_a_failure_opens_it_and_later_calls_fail_without_running() -> None:
    clock = Clock()
    breaker = Breaker("s", reset_s=1.0, clock=clock)
    with pytest.raises(ServerDown) as first:
        await breaker.call(refused, ServerDown)
    assert "ConnectionRefusedError" in str(first.value)
    assert breaker.state == OPEN
    ran = []

    async def counted() -> str:
        ran.append(1)
        return "ok"

    with pytest.raises(ServerDown) as fast:
        await breaker.call(counted, ServerDown)
    assert ran == []
    assert fast.value.retry_after == 1
    assert (breaker.failures, breaker.fast_failures, breaker.opened) == (1, 1, 1)


async def test_a_slow_server_is_a_failure_after_the_timeout() -> None:
    breaker = Breaker("s", timeout_s=0.05)

    async def hangs() -> str:
        await asyncio.sleep(10)
        return "late"

    with pytest.raises(ServerDown, match=r"no answer within 0\.05 s"):
        await breaker.call(hangs, ServerDown)
    assert breaker.is_open


async def test_after_reset_one_probe_goes_through_and_closes_it() -> None:
    clock = Clock()
    breaker = Breaker("s", reset_s=1.0, clock=clock)
    with pytest.raises(ServerDown):
        await breaker.call(refused, ServerDown)
    clock.now += 1.0
    assert breaker.state == HALF_OPEN
    gate = asyncio.Event()

    async def probe() -> str:
        await gate.wait()
        return "ok"

    task = asyncio.create_task(breaker.call(probe, ServerDown))
    await asyncio.sleep(0)
    with pytest.raises(ServerDown):  # only one probe at a time; the others still fail fast
        await breaker.call(ok, ServerDown)
    gate.set()
    assert await task == "ok"
    assert breaker.state == CLOSED
    assert await breaker.call(ok, ServerDown) == "ok"


async def test_a_failed_probe_opens_it_again() -> None:
    clock = Clock()
    breaker = Breaker("s", reset_s=1.0, clock=clock)
    with pytest.raises(ServerDown):
        await breaker.call(refused, ServerDown)
    clock.now += 1.5
    with pytest.raises(ServerDown):
        await breaker.call(refused, ServerDown)
    assert breaker.state == OPEN
    with pytest.raises(ServerDown):
        await breaker.call(ok, ServerDown)  # a fresh wait before the next probe


async def test_answers_about_the_request_pass_through_and_keep_it_closed() -> None:
    breaker = Breaker("s")

    async def missing() -> str:
        raise NotFound()

    with pytest.raises(NotFound):
        await breaker.call(missing, ServerDown, is_failure=lambda exc: not isinstance(exc, NotFound))
    assert breaker.state == CLOSED


async def test_a_cancelled_probe_frees_the_slot() -> None:
    clock = Clock()
    breaker = Breaker("s", reset_s=1.0, clock=clock)
    breaker.trip("down")
    clock.now += 1.0

    async def hangs() -> str:
        await asyncio.sleep(10)
        return "late"

    task = asyncio.create_task(breaker.call(hangs, ServerDown))
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await breaker.call(ok, ServerDown) == "ok"


async def test_unbounded_calls_have_no_timeout_of_their_own() -> None:
    breaker = Breaker("s", timeout_s=0.01)

    async def slowish() -> str:
        await asyncio.sleep(0.05)
        return "done"

    assert await breaker.call(slowish, ServerDown, bounded=False) == "done"


async def test_a_readiness_probe_asks_while_open_and_its_answer_closes_it() -> None:
    """/readyz and the calls agree: a check that got an answer is not followed by refused calls."""
    clock = Clock()
    breaker = Breaker("s", reset_s=60.0, clock=clock)
    breaker.trip("no answer within 1 s")  # a stall: no reconnect callback will close it
    assert await breaker.probe(ok) == "ok"
    assert breaker.state == CLOSED
    assert await breaker.call(ok, ServerDown) == "ok"


async def test_a_failed_readiness_probe_opens_it_and_raises_the_error_itself() -> None:
    breaker = Breaker("s", timeout_s=0.05)
    with pytest.raises(ConnectionRefusedError):
        await breaker.probe(refused)
    assert breaker.state == OPEN

    async def hangs() -> str:
        await asyncio.sleep(10)
        return "late"

    breaker.close()
    with pytest.raises(TimeoutError):
        await breaker.probe(hangs)
    assert breaker.is_open and "no answer within 0.05 s" in breaker.last_error
    with pytest.raises(ServerDown):  # the calls agree with the failed check
        await breaker.call(ok, ServerDown)


async def test_a_readiness_probe_answered_with_an_error_about_the_request_closes_it() -> None:
    breaker = Breaker("s")
    breaker.trip("down")

    async def missing() -> str:
        raise NotFound()

    with pytest.raises(NotFound):
        await breaker.probe(missing, is_failure=lambda exc: not isinstance(exc, NotFound))
    assert breaker.state == CLOSED
