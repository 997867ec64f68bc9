"""Request rate limits per token and per user, counted on the key-value port in fixed windows.

When the key-value store is unavailable the limiter fails open to a count kept in this process
(same budgets, same windows): availability over exact counting (docs/adr/0034). A deployment of N
API processes then admits up to N times the budget until the store is back. Entering and leaving
that mode logs one line each; `/metrics` shows it (`cozeplus_ratelimit_local_*`).
"""

from __future__ import annotations

import logging
import time

from application.common.actor import Actor
from application.common.counters import CoalescingCounter
from domain.common.errors import RateLimited, Unavailable
from domain.common.kv import KeyValueStore

log = logging.getLogger("cozeplus.ratelimit")

WINDOW_S = 60


class _LocalWindow:
    """Fixed-window counts of this process only, for one window at a time."""

    def __init__(self) -> None:
        self._window = -1
        self._counts: dict[str, int] = {}

    def increment(self, key: str, window: int) -> int:
        if window != self._window:
            self._window, self._counts = window, {}
        count = self._counts.get(key, 0) + 1
        self._counts[key] = count
        return count


class RateLimiter:
    def __init__(self, kv: KeyValueStore, per_token: int, per_user: int) -> None:
        self._counter = CoalescingCounter(kv)  # concurrent calls of one token or user: one KV call
        self._per_token = per_token
        self._per_user = per_user
        self._local = _LocalWindow()
        self.failing_open = False
        self.local_counts = 0  # calls counted in this process because the store was unavailable
        self.fail_open_episodes = 0

    async def check(self, actor: Actor) -> None:
        """Count this call; RateLimited when the token's or the user's budget for the minute is spent."""
        now = time.time()
        window = int(now // WINDOW_S)
        retry_after = int(WINDOW_S - now % WINDOW_S) + 1
        if actor.token is not None and self._per_token > 0:
            used = await self._count(f"rate.token.{actor.token.token_id}.{window}", window)
            if used > self._per_token:
                raise RateLimited(retry_after)
        if self._per_user > 0:
            used = await self._count(f"rate.user.{actor.user_id}.{window}", window)
            if used > self._per_user:
                raise RateLimited(retry_after)

    async def _count(self, key: str, window: int) -> int:
        try:
            used = await self._counter.increment(key, ttl=WINDOW_S)
        except Unavailable as exc:
            if not self.failing_open:
                self.failing_open = True
                self.fail_open_episodes += 1
                log.warning(
                    "rate_limit_fail_open store=unavailable counting=per-process error=%s", str(exc)[:200]
                )
            self.local_counts += 1
            return self._local.increment(key, window)
        if self.failing_open:
            self.failing_open = False
            log.warning("rate_limit_store_back counting=shared local_counts=%d", self.local_counts)
        return used
