"""Key-value on a NATS KV bucket (a JetStream stream `KV_<bucket>`, one subject per key).

Expiry has two layers, so behaviour is the same on every server version:
- every entry carries its deadline in a `Cozeplus-Expires-At` header (unix ms) and reads treat an
  entry past it as absent; `create` replaces such an entry with a compare-and-set on its revision;
- the server removes data too: the bucket's `max_age` is the store's maximum TTL (garbage
  collection on any version), and on nats-server 2.11+ each write also carries a per-message
  `Nats-TTL`, so a key disappears from the server shortly after its own deadline.
Deadlines use the wall clock of the writing process; keep API hosts NTP-synchronised and TTLs of
locks well above the clock skew between them.

The bucket is created with nats-py's `create_key_value`, so `nats kv` tools can inspect it; values
are written with our own headers through plain JetStream publishes.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import random
import time
from collections.abc import AsyncIterator, Callable

import structlog
from nats.js import api
from nats.js.errors import APIError, BadRequestError, NotFoundError

from domain.common.kv import KeyValueUnavailable, KvEntry, validate_key, validate_ttl, validate_value
from infra.kv.counter import next_count
from infra.nats.connection import NatsConnection
from infra.nats.resource import JetStreamResource

log = structlog.get_logger("cozeplus.kv")

EXPIRES_HEADER = "Cozeplus-Expires-At"
EXPECTED_LAST = "Nats-Expected-Last-Subject-Sequence"
MSG_TTL_HEADER = "Nats-TTL"
OPERATION_HEADER = "KV-Operation"
WRONG_LAST_SEQUENCE = 10071
STREAM_NAME_IN_USE = 10058
# A compare-and-set loop keeps trying this long: a contender in another process can lose every race
# to a busy writer until that writer's burst is over, so the budget is time, not a count of tries.
CAS_PATIENCE_S = 10.0
CAS_MAX_PAUSE_S = 0.05


class KvContention(RuntimeError):
    """A counter or delete kept losing compare-and-set races (should not happen in practice)."""


async def _cas_attempts() -> AsyncIterator[int]:
    """Tries of one compare-and-set: the first at once, later ones after a growing, jittered pause
    (contenders that lost together retry apart) until CAS_PATIENCE_S has passed."""
    give_up = time.monotonic() + CAS_PATIENCE_S
    attempt = 0
    while True:
        yield attempt
        attempt += 1
        if time.monotonic() >= give_up:
            return
        await asyncio.sleep(random.uniform(0, min(CAS_MAX_PAUSE_S, 0.0005 * 2**attempt)))


class _KeyTurns:
    """One asyncio lock per key, kept only while someone in this process holds or awaits it."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, list[int]]] = {}

    @contextlib.asynccontextmanager
    async def turn(self, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.setdefault(key, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with lock:
                yield
        finally:
            users[0] -= 1
            if not users[0]:
                del self._locks[key]


class NatsKeyValue(JetStreamResource):
    name = "kv"
    adapter = "nats-kv"

    def __init__(
        self,
        connection: NatsConnection,
        *,
        bucket: str = "cozeplus",
        max_ttl: float = 86_400.0,
        replicas: int = 1,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if max_ttl <= 0:
            raise ValueError("max_ttl must be positive")
        self.connection = connection
        self.bucket = bucket
        self.stream = f"KV_{bucket}"
        self._prefix = f"$KV.{bucket}."
        self._max_ttl = max_ttl
        self.replicas = replicas
        self._clock = clock
        self._ready = False
        self._server_ttl = False
        self._counting = _KeyTurns()

    @property
    def max_ttl(self) -> float:
        return self._max_ttl

    # -- JetStreamResource
    _log = log
    _not_ready_event = "kv_not_ready"
    _unavailable = KeyValueUnavailable

    def _where(self) -> tuple[str, str]:
        return "bucket", self.bucket

    async def _summary(self) -> str:
        ttl_mode = "per-key server TTL" if self._server_ttl else "expiry on read + bucket max_age"
        return f"bucket {self.bucket} ({ttl_mode})"

    async def _create(self) -> None:
        js = self.connection.jetstream()
        try:
            await js.create_key_value(
                bucket=self.bucket, ttl=self._max_ttl, history=1, replicas=self.replicas
            )
        except BadRequestError as exc:
            if exc.err_code != STREAM_NAME_IN_USE:
                raise
            # The bucket exists with other limits (e.g. a changed max TTL): adopt ours.
            info = await js.stream_info(self.stream)
            await js.update_stream(info.config.evolve(max_age=self._max_ttl))
        info = await js.stream_info(self.stream)
        version = self.connection.client.connected_server_version
        self._server_ttl = (version.major, version.minor) >= (2, 11) and bool(info.config.allow_msg_ttl)
        self._ready = True

    def _subject(self, key: str) -> str:
        return self._prefix + key

    async def _raw(self, key: str) -> api.RawStreamMsg | None:
        """The key's latest message, whatever it is (value, delete marker, expired value)."""
        try:
            return await self.connection.call(
                lambda: self.connection.jetstream().get_msg(
                    self.stream, subject=self._subject(key), direct=False
                ),
                KeyValueUnavailable,
                single=True,
            )
        except NotFoundError:
            return None

    def _is_live(self, msg: api.RawStreamMsg | None) -> bool:
        if msg is None:
            return False
        headers = msg.headers or {}
        if headers.get(OPERATION_HEADER) in ("DEL", "PURGE"):
            return False
        deadline = headers.get(EXPIRES_HEADER)
        return deadline is None or int(deadline) > self._clock() * 1000

    async def _publish(
        self, key: str, value: bytes, *, expires_at_ms: int, expected: int | None, delete: bool = False
    ) -> int | None:
        """Write; returns the revision, or None when `expected` no longer matches the key's last revision."""
        await self._ensure()
        headers = {EXPIRES_HEADER: str(expires_at_ms)}
        if expected is not None:
            headers[EXPECTED_LAST] = str(expected)
        if delete:
            headers[OPERATION_HEADER] = "DEL"
        elif self._server_ttl:
            remaining = max(expires_at_ms / 1000 - self._clock(), 0.0)
            # Whole seconds rounded up, counted from when the server stores it: never before our deadline.
            headers[MSG_TTL_HEADER] = f"{max(math.ceil(remaining), 1)}s"
        try:
            ack = await self.connection.call(
                lambda: self.connection.jetstream().publish(self._subject(key), value, headers=headers),
                KeyValueUnavailable,
                single=True,
            )
        except APIError as exc:
            if exc.err_code == WRONG_LAST_SEQUENCE:
                return None
            raise
        return int(ack.seq)

    def _deadline(self, ttl: float) -> int:
        return math.ceil((self._clock() + ttl) * 1000)

    async def get(self, key: str) -> KvEntry | None:
        key = validate_key(key)
        await self._ensure()
        msg = await self._raw(key)
        if msg is None or not self._is_live(msg):
            return None
        return KvEntry(key, msg.data or b"", int(msg.seq or 0))

    async def put(self, key: str, value: bytes, *, ttl: float) -> int:
        key, value, ttl = validate_key(key), validate_value(value), validate_ttl(ttl, self._max_ttl)
        revision = await self._publish(key, value, expires_at_ms=self._deadline(ttl), expected=None)
        assert revision is not None  # unconditional writes cannot lose a race
        return revision

    async def create(self, key: str, value: bytes, *, ttl: float) -> int | None:
        key, value, ttl = validate_key(key), validate_value(value), validate_ttl(ttl, self._max_ttl)
        await self._ensure()
        msg = await self._raw(key)
        if msg is not None and self._is_live(msg):
            return None
        # Absent, deleted or expired: take it over only if nobody else does in between.
        expected = 0 if msg is None else int(msg.seq or 0)
        return await self._publish(key, value, expires_at_ms=self._deadline(ttl), expected=expected)

    async def update(self, key: str, value: bytes, *, revision: int, ttl: float) -> int | None:
        key, value, ttl = validate_key(key), validate_value(value), validate_ttl(ttl, self._max_ttl)
        await self._ensure()
        msg = await self._raw(key)
        if msg is None or not self._is_live(msg) or msg.seq != revision:
            return None
        return await self._publish(key, value, expires_at_ms=self._deadline(ttl), expected=revision)

    async def delete(self, key: str, *, revision: int | None = None) -> bool:
        key = validate_key(key)
        await self._ensure()
        async for _ in _cas_attempts():
            msg = await self._raw(key)
            if msg is None or not self._is_live(msg) or (revision is not None and msg.seq != revision):
                return False
            seq = int(msg.seq or 0)
            # The marker expires with the bucket's max_age like everything else.
            marker_deadline = self._deadline(self._max_ttl)
            if (
                await self._publish(key, b"", expires_at_ms=marker_deadline, expected=seq, delete=True)
                is not None
            ):
                return True
            if revision is not None:
                return False  # changed since the caller read it
        raise KvContention(key)

    async def increment(self, key: str, *, by: int = 1, ttl: float) -> int:
        key, ttl = validate_key(key), validate_ttl(ttl, self._max_ttl)
        await self._ensure()
        # Increments of one key take turns within this process: hundreds at once (a busy token's
        # rate-limit window) would otherwise lose compare-and-set races to each other until some
        # ran out of attempts. Only other processes race now, one contender each.
        async with self._counting.turn(key):
            return await self._increment(key, by, ttl)

    async def _increment(self, key: str, by: int, ttl: float) -> int:
        async for _ in _cas_attempts():
            msg = await self._raw(key)
            if msg is None or not self._is_live(msg):
                count = next_count(None, by)
                deadline = self._deadline(ttl)
                expected = 0 if msg is None else int(msg.seq or 0)
            else:
                count = next_count(msg.data or b"", by)
                kept = (msg.headers or {}).get(EXPIRES_HEADER)  # the window keeps its end
                deadline = int(kept) if kept is not None else self._deadline(ttl)
                expected = int(msg.seq or 0)
            if (
                await self._publish(key, str(count).encode(), expires_at_ms=deadline, expected=expected)
                is not None
            ):
                return count
        raise KvContention(key)
