"""Failed-attempt counters for login throttling, kept in this process.

Several API processes each count on their own with this adapter (an attacker gets N x the budget);
the key-value adapter shares the count across processes.
"""

from __future__ import annotations

import time


class InProcessAttemptCounter:
    def __init__(self, max_keys: int = 100_000) -> None:
        self._windows: dict[str, tuple[int, float]] = {}
        self._max_keys = max_keys

    async def count(self, key: str) -> tuple[int, int]:
        failures, until = self._windows.get(key, (0, 0.0))
        now = time.monotonic()
        if until <= now:
            return 0, 0
        return failures, int(until - now) + 1

    async def hit(self, key: str, window_s: int) -> int:
        now = time.monotonic()
        failures, until = self._windows.get(key, (0, 0.0))
        if until <= now:
            failures, until = 0, now + window_s
        self._windows[key] = (failures + 1, until)
        if len(self._windows) > self._max_keys:  # bounded memory under a spray of keys
            self._evict(now)
        return failures + 1

    async def reset(self, key: str) -> None:
        self._windows.pop(key, None)

    def _evict(self, now: float) -> None:
        for key in [k for k, (_, until) in self._windows.items() if until <= now]:
            del self._windows[key]
        while len(self._windows) > self._max_keys:
            self._windows.pop(next(iter(self._windows)))
