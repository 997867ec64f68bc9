"""The rate limiter fails open to per-process counting while the key-value store is unavailable."""

from __future__ import annotations

import logging

import pytest

from application.common.actor import Actor
from application.common.ratelimit import RateLimiter
from domain.common.errors import RateLimited
from domain.common.kv import KeyValueUnavailable
from infra.kv.inprocess import InProcessKeyValue


class FlakyKv(InProcessKeyValue):
    def __init__(self) -> None:
        super().__init__()
        self.down = False

    async def increment(self, key: str, *, by: int = 1, ttl: float) -> int:
        if self.down:
            raise KeyValueUnavailable(reason="nats: disconnected")
        return await super().increment(key, by=by, ttl=ttl)


async def test_store_down_counts_in_process_with_the_same_budget(caplog: pytest.LogCaptureFixture) -> None:
    kv = FlakyKv()
    await kv.start()
    limiter = RateLimiter(kv, per_token=0, per_user=3)
    actor = Actor(user_id=7)
    await limiter.check(actor)  # one counted in the store
    kv.down = True
    with caplog.at_level(logging.WARNING, logger="cozeplus.ratelimit"):
        for _ in range(3):
            await limiter.check(actor)  # the local window starts at zero: availability over exactness
        with pytest.raises(RateLimited):
            await limiter.check(actor)
    assert limiter.failing_open
    assert limiter.local_counts == 4
    assert [r.getMessage().split()[0] for r in caplog.records].count("rate_limit_fail_open") == 1

    kv.down = False
    with caplog.at_level(logging.WARNING, logger="cozeplus.ratelimit"):
        await limiter.check(actor)  # back to the shared count (2 of 3 in this window)
    assert not limiter.failing_open
    assert any(r.getMessage().startswith("rate_limit_store_back") for r in caplog.records)
    await kv.stop()
