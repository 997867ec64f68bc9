"""Key-value with a time-to-live on every key: cancel flags, locks, counters and short caches.

Every write carries a TTL, so nothing left behind by a crashed process lives forever. Writes
return a revision; `update` and `delete` can be made conditional on it (compare-and-set), and
`create` only succeeds when the key is absent or expired, which is what a lock needs:

    revision = await kv.create("lock.workflow.42", owner, ttl=30)   # None: someone else holds it
    ...
    await kv.delete("lock.workflow.42", revision=revision)          # release only our own lock
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Protocol

from domain.common.errors import InvalidInput, Unavailable

# Dot-separated tokens, as NATS KV keys are subjects: no wildcards (* >), no whitespace, no
# empty tokens (leading, trailing or doubled dots would change how the key is routed).
KEY_PATTERN = re.compile(r"[A-Za-z0-9_=-]+(?:\.[A-Za-z0-9_=-]+)*")
MAX_KEY_LENGTH = 256
MAX_VALUE_BYTES = 256 * 1024


class InvalidKey(InvalidInput):
    message_key = "kv.invalid_key"


class InvalidKvValue(InvalidInput):
    message_key = "kv.invalid_value"


class KeyValueUnavailable(Unavailable):
    """The store's server did not answer (down, cut off, timing out); nothing was written."""

    message_key = "kv.unavailable"


def validate_key(key: str) -> str:
    if not isinstance(key, str) or len(key) > MAX_KEY_LENGTH or KEY_PATTERN.fullmatch(key) is None:
        raise InvalidKey(
            key=repr(key)[:80],
            rule=f"up to {MAX_KEY_LENGTH} characters: tokens of A-Z a-z 0-9 _ = - separated by single dots",
        )
    return key


def validate_value(value: bytes) -> bytes:
    if not isinstance(value, bytes | bytearray):
        raise InvalidKvValue(detail=f"value must be bytes, not {type(value).__name__}")
    if len(value) > MAX_VALUE_BYTES:
        raise InvalidKvValue(detail=f"value is {len(value)} bytes, the limit is {MAX_VALUE_BYTES}")
    return bytes(value)


def validate_ttl(ttl: float, max_ttl: float) -> float:
    if isinstance(ttl, bool) or not isinstance(ttl, int | float) or not math.isfinite(ttl) or ttl <= 0:
        raise InvalidKvValue(detail=f"ttl must be a positive number of seconds, got {ttl!r}")
    if ttl > max_ttl:
        raise InvalidKvValue(detail=f"ttl {ttl} s exceeds this store's maximum of {max_ttl} s")
    return float(ttl)


@dataclass(frozen=True, slots=True)
class KvEntry:
    key: str
    value: bytes
    revision: int


class KeyValueStore(Protocol):
    name: str

    @property
    def adapter(self) -> str: ...

    @property
    def max_ttl(self) -> float:
        """The longest TTL this store accepts, in seconds."""
        ...

    async def get(self, key: str) -> KvEntry | None:
        """The live entry, or None when absent, deleted or expired."""
        ...

    async def put(self, key: str, value: bytes, *, ttl: float) -> int:
        """Write unconditionally; returns the new revision."""
        ...

    async def create(self, key: str, value: bytes, *, ttl: float) -> int | None:
        """Write only if the key is absent or expired; None when a live entry exists."""
        ...

    async def update(self, key: str, value: bytes, *, revision: int, ttl: float) -> int | None:
        """Write only if the live entry still has `revision`; None otherwise (compare-and-set)."""
        ...

    async def delete(self, key: str, *, revision: int | None = None) -> bool:
        """Remove the live entry (only if it has `revision`, when given); False when nothing was removed."""
        ...

    async def increment(self, key: str, *, by: int = 1, ttl: float) -> int:
        """Add `by` to an integer counter and return the new value. A missing or expired counter
        starts from 0 with `ttl`; an existing one keeps its expiry (a fixed window, for rate limits)."""
        ...
