"""Key-value held in this process: a dict with a monotonic-clock expiry per key."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass

from domain.common.kv import KvEntry, validate_key, validate_ttl, validate_value
from infra.common.periodic import Periodic
from infra.kv.counter import next_count

SWEEP_S = 30.0


@dataclass(frozen=True, slots=True)
class _Stored:
    value: bytes
    revision: int
    expires_at: float


class InProcessKeyValue:
    name = "kv"
    adapter = "inprocess"

    def __init__(self, *, max_ttl: float = 86_400.0, clock: Callable[[], float] = time.monotonic) -> None:
        if max_ttl <= 0:
            raise ValueError("max_ttl must be positive")
        self._max_ttl = max_ttl
        self._clock = clock
        self._items: dict[str, _Stored] = {}
        self._revisions = itertools.count(1)
        self._sweeper = Periodic("kv-sweep", min(SWEEP_S, self._max_ttl), self.sweep)

    @property
    def max_ttl(self) -> float:
        return self._max_ttl

    async def start(self) -> None:
        self._sweeper.start()

    async def stop(self) -> None:
        await self._sweeper.stop()

    async def check(self) -> tuple[bool, str]:
        return True, f"{len(self._items)} keys in memory"

    def _live(self, key: str) -> _Stored | None:
        stored = self._items.get(key)
        if stored is not None and stored.expires_at <= self._clock():
            del self._items[key]
            return None
        return stored

    def _write(self, key: str, value: bytes, expires_at: float) -> int:
        revision = next(self._revisions)
        self._items[key] = _Stored(value, revision, expires_at)
        return revision

    async def get(self, key: str) -> KvEntry | None:
        stored = self._live(validate_key(key))
        return None if stored is None else KvEntry(key, stored.value, stored.revision)

    async def put(self, key: str, value: bytes, *, ttl: float) -> int:
        key, value, ttl = validate_key(key), validate_value(value), validate_ttl(ttl, self._max_ttl)
        return self._write(key, value, self._clock() + ttl)

    async def create(self, key: str, value: bytes, *, ttl: float) -> int | None:
        key, value, ttl = validate_key(key), validate_value(value), validate_ttl(ttl, self._max_ttl)
        if self._live(key) is not None:
            return None
        return self._write(key, value, self._clock() + ttl)

    async def update(self, key: str, value: bytes, *, revision: int, ttl: float) -> int | None:
        key, value, ttl = validate_key(key), validate_value(value), validate_ttl(ttl, self._max_ttl)
        stored = self._live(key)
        if stored is None or stored.revision != revision:
            return None
        return self._write(key, value, self._clock() + ttl)

    async def delete(self, key: str, *, revision: int | None = None) -> bool:
        stored = self._live(validate_key(key))
        if stored is None or (revision is not None and stored.revision != revision):
            return False
        del self._items[key]
        return True

    async def increment(self, key: str, *, by: int = 1, ttl: float) -> int:
        key, ttl = validate_key(key), validate_ttl(ttl, self._max_ttl)
        stored = self._live(key)
        if stored is None:
            count = next_count(None, by)
            self._write(key, str(count).encode(), self._clock() + ttl)
        else:
            count = next_count(stored.value, by)
            self._write(key, str(count).encode(), stored.expires_at)  # the window keeps its end
        return count

    def sweep(self) -> int:
        """Forget expired keys now; returns how many."""
        now = self._clock()
        expired = [k for k, s in self._items.items() if s.expires_at <= now]
        for key in expired:
            del self._items[key]
        return len(expired)
