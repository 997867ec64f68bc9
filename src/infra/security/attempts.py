"""Failed-attempt counters for login throttling, on the key-value port (shared across processes
when it is NATS KV; per process when it is the in-process store)."""

from __future__ import annotations

import hashlib
import time

from domain.common.kv import KeyValueStore


class KvAttemptCounter:
    """Fixed windows of `window_s` seconds; a key's count resets when its window ends."""

    def __init__(self, kv: KeyValueStore, window_s: int = 15 * 60, prefix: str = "throttle") -> None:
        self._kv = kv
        self._window = window_s
        self._prefix = prefix

    def _key(self, key: str, now: float) -> str:
        # Raw keys hold emails and addresses: hash them into valid, fixed-length KV keys.
        digest = hashlib.sha256(key.encode()).hexdigest()[:40]
        return f"{self._prefix}.{digest}.{int(now // self._window)}"

    async def count(self, key: str) -> tuple[int, int]:
        now = time.time()
        entry = await self._kv.get(self._key(key, now))
        failures = int(entry.value) if entry is not None else 0
        return failures, int(self._window - now % self._window) + 1

    async def hit(self, key: str, window_s: int) -> int:
        return await self._kv.increment(self._key(key, time.time()), ttl=self._window)

    async def reset(self, key: str) -> None:
        await self._kv.delete(self._key(key, time.time()))
