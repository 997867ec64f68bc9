"""A short-lived per-process memory of authenticated bearer tokens (docs/adr/0029).

Bearer auth used to cost one database unit of work per request. A hit here answers it from memory;
what a hit may skip is bounded:

- expiry is never cached away: the token's `expires_at` is kept and compared with the clock on
  every request;
- this process's own revocations and account status changes drop the cache at once (the services
  call `forget_all` after commit), and an in-flight lookup that read the database before such a
  change cannot store its stale answer (generation check);
- other processes hear the same changes through event-bus listeners (`on_credentials_changed`),
  usually within the bus's poll interval;
- an entry is used for at most `ttl_s` seconds after it was read, the upper bound when an event is
  missed (process cut off from the bus) or the database was changed behind the services' back.

Only successful lookups are kept (an unknown token is not remembered), keyed by the token's keyed
hash, never the plaintext.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from domain.common.eventbus import Event
from domain.openauth.entities import PersonalAccessToken

DEFAULT_SIZE = 10_000


@dataclass(frozen=True, slots=True)
class AuthSnapshot:
    """What authenticating a token established: the token and its owner's superuser flag, as read
    at `read_at` (monotonic seconds); the owner was active then."""

    token: PersonalAccessToken
    is_superuser: bool
    read_at: float


class TokenAuthCache:
    def __init__(
        self,
        ttl_s: float,
        size: int = DEFAULT_SIZE,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl_s
        self._size = size
        self._monotonic = monotonic
        self._entries: OrderedDict[str, AuthSnapshot] = OrderedDict()
        self._generation = 0

    @property
    def enabled(self) -> bool:
        return self._ttl > 0

    @property
    def generation(self) -> int:
        """Bumped by every invalidation; take it before reading the database and hand it to `put`."""
        return self._generation

    def now(self) -> float:
        return self._monotonic()

    def get(self, secret_hash: str) -> AuthSnapshot | None:
        snapshot = self._entries.get(secret_hash)
        if snapshot is None:
            return None
        if self._monotonic() - snapshot.read_at >= self._ttl:
            del self._entries[secret_hash]
            return None
        return snapshot

    def put(self, secret_hash: str, snapshot: AuthSnapshot, generation: int) -> None:
        """Remember a lookup, unless an invalidation happened since `generation` was taken."""
        if not self.enabled or generation != self._generation:
            return
        self._entries[secret_hash] = snapshot
        self._entries.move_to_end(secret_hash)
        if len(self._entries) > self._size:
            self._entries.popitem(last=False)

    def touched(self, secret_hash: str, at: datetime) -> None:
        """The token's `last_used_at` was written: keep the entry from writing it again this minute."""
        snapshot = self._entries.get(secret_hash)
        if snapshot is not None:
            self._entries[secret_hash] = replace(snapshot, token=replace(snapshot.token, last_used_at=at))

    def forget(self, secret_hash: str) -> None:
        self._entries.pop(secret_hash, None)

    def forget_all(self) -> None:
        """A token was revoked or an account changed: drop everything (rare next to requests)."""
        self._generation += 1
        self._entries.clear()

    def account_changed(self, user_id: int) -> None:
        """crossdomain.user.AccountWatcher: the user context changed an account in this process."""
        self.forget_all()

    async def on_credentials_changed(self, event: Event) -> None:
        """Event-bus listener: a token was revoked or an account changed, maybe in another process."""
        self.forget_all()

    async def on_missed_events(self) -> None:
        """Event-bus listener gap (the bus was unreachable): a revocation may have gone unheard."""
        self.forget_all()

    def __len__(self) -> int:
        return len(self._entries)
