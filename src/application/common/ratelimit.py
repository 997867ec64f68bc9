"""Request rate limits per token and per user, counted on the key-value port in fixed windows."""

from __future__ import annotations

import time

from application.common.actor import Actor
from application.common.counters import CoalescingCounter
from domain.common.errors import RateLimited
from domain.common.kv import KeyValueStore

WINDOW_S = 60


class RateLimiter:
    def __init__(self, kv: KeyValueStore, per_token: int, per_user: int) -> None:
        self._counter = CoalescingCounter(kv)  # concurrent calls of one token or user: one KV call
        self._per_token = per_token
        self._per_user = per_user

    async def check(self, actor: Actor) -> None:
        """Count this call; RateLimited when the token's or the user's budget for the minute is spent."""
        now = time.time()
        window = int(now // WINDOW_S)
        retry_after = int(WINDOW_S - now % WINDOW_S) + 1
        if actor.token is not None and self._per_token > 0:
            used = await self._counter.increment(f"rate.token.{actor.token.token_id}.{window}", ttl=WINDOW_S)
            if used > self._per_token:
                raise RateLimited(retry_after)
        if self._per_user > 0:
            used = await self._counter.increment(f"rate.user.{actor.user_id}.{window}", ttl=WINDOW_S)
            if used > self._per_user:
                raise RateLimited(retry_after)
