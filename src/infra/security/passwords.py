"""argon2id password hashes (argon2-cffi), with a dummy verification for unknown accounts."""

from __future__ import annotations

import asyncio
from functools import cached_property

from argon2 import PasswordHasher as Argon2
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError


class Argon2PasswordHasher:
    def __init__(self, time_cost: int = 2, memory_cost_kib: int = 19 * 1024, parallelism: int = 1) -> None:
        # OWASP's minimum argon2id profile: ~20-40 ms per hash on this class of machine.
        self._argon = Argon2(time_cost=time_cost, memory_cost=memory_cost_kib, parallelism=parallelism)

    @cached_property
    def _dummy(self) -> str:
        # Made on the first unknown-account login, not at startup (a hash costs as much as a login).
        return self._argon.hash("cozeplus-dummy-password")

    # argon2 runs in a worker thread: ~25 ms of hashing on the event loop would stall every other
    # request of this process (and argon2-cffi releases the GIL, so logins also use the other core).
    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self._argon.hash, password)

    async def verify(self, password_hash: str, password: str) -> bool:
        return await asyncio.to_thread(self._verify, password_hash, password)

    async def dummy_verify(self) -> None:
        await self.verify(self._dummy, "not-the-password")

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return bool(self._argon.verify(password_hash, password))
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
