"""One circuit breaker per backing server, shared by every adapter that talks to it.

A call gets a bounded timeout. A failure (timeout, refused connection, server error) opens the
breaker: from then on calls fail at once, without touching the network, until `reset_s` has
passed; the next call is then let through alone as a probe (half-open) while the others keep
failing fast. A probe that succeeds closes the breaker; one that fails opens it again. An owner
that learns of the server's state another way (a NATS client's reconnect callback) can `close()`
or `trip()` it directly. Readiness checks go through `probe()`: they ask the server whatever the
state and their answer settles the breaker, so /readyz never says ready while calls are refused.

Why our own: the candidates on PyPI (pybreaker, aiobreaker, purgatory) either are synchronous,
unmaintained for years, or bring a storage layer we do not need; this is the part we use.
What a failure means for the caller (fail open, answer 503, keep serving) is decided by the caller
(docs/adr/0034-what-failing-means.md); this only turns failures into `Unavailable` errors fast.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import structlog

from domain.common.errors import Unavailable

log = structlog.get_logger("cozeplus.breaker")

T = TypeVar("T")

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half-open"


def _always(_exc: BaseException) -> bool:
    return True


def never(_exc: BaseException) -> bool:
    """For adapters that translate their failures into `Unavailable` themselves."""
    return False


class Breaker:
    def __init__(
        self,
        server: str,
        *,
        timeout_s: float = 2.0,
        reset_s: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if timeout_s <= 0 or reset_s <= 0:
            raise ValueError("timeout_s and reset_s must be positive")
        self.server = server
        self.timeout_s = timeout_s
        self.reset_s = reset_s
        self._clock = clock
        self._state = CLOSED
        self._opened_at = 0.0
        self._probing = False
        self.last_error = ""
        # Read by the metrics collector (bootstrap wires it to /metrics).
        self.failures = 0
        self.fast_failures = 0
        self.opened = 0

    @property
    def state(self) -> str:
        if self._state == OPEN and self._clock() - self._opened_at >= self.reset_s:
            return HALF_OPEN
        return self._state

    @property
    def is_open(self) -> bool:
        return self._state != CLOSED

    def retry_after(self) -> int:
        """Whole seconds until the next probe may run (for Retry-After); at least 1."""
        left = self.reset_s - (self._clock() - self._opened_at) if self._state == OPEN else self.reset_s
        return max(1, math.ceil(left))

    def allow(self) -> bool:
        """May a call go to the server now? Takes the probe slot when half-open."""
        if self._state == CLOSED:
            return True
        if self._probing or self._clock() - self._opened_at < self.reset_s:
            return False
        self._probing = True
        return True

    def release(self) -> None:
        """The probe ended without an answer either way (cancelled): let the next call probe."""
        self._probing = False

    def close(self) -> None:
        self._probing = False
        if self._state != CLOSED:
            self._state = CLOSED
            log.info("breaker_closed", server=self.server)

    def trip(self, reason: str) -> None:
        self.failures += 1
        self._probing = False
        self.last_error = reason[:200]
        self._opened_at = self._clock()
        if self._state == CLOSED:
            self.opened += 1
            log.warning("breaker_opened", server=self.server, error=self.last_error)
        self._state = OPEN

    def refuse(self, unavailable: Callable[..., Unavailable]) -> Unavailable:
        """The error a caller raises while the breaker keeps it away from the server."""
        self.fast_failures += 1
        return self._error(unavailable, self.last_error or "unavailable")

    def _error(self, unavailable: Callable[..., Unavailable], reason: str) -> Unavailable:
        return unavailable(reason=f"{self.server}: {reason}", retry_after=self.retry_after())

    async def call(
        self,
        operation: Callable[[], Awaitable[T]],
        unavailable: Callable[..., Unavailable],
        *,
        timeout_s: float | None = None,
        bounded: bool = True,
        is_failure: Callable[[BaseException], bool] = _always,
    ) -> T:
        """Run `operation()` within the timeout; raise `unavailable(...)` on a failure or while open.

        `bounded=False` for transfers whose length depends on the caller (a large upload): the
        client library's own connect and read timeouts bound them instead. Exceptions for which
        `is_failure` is false (the server answered: not found, conflict ...) pass through unchanged
        and count as a sign of life."""
        if not self.allow():
            raise self.refuse(unavailable)
        limit = (timeout_s or self.timeout_s) if bounded else None
        try:
            if limit is None:
                result = await operation()
            else:
                async with asyncio.timeout(limit):
                    result = await operation()
        except TimeoutError as exc:
            self.trip(f"no answer within {limit:g} s" if limit else f"timed out ({type(exc).__name__})")
            raise self._error(unavailable, self.last_error) from exc
        except Unavailable as exc:  # an inner layer already decided
            self.trip(str(exc))
            raise
        except (asyncio.CancelledError, KeyboardInterrupt, GeneratorExit):
            self.release()  # the probe's caller went away: let the next call probe
            raise
        except Exception as exc:
            if not is_failure(exc):
                self.close()
                raise
            self.trip(f"{type(exc).__name__}: {exc}")
            raise self._error(unavailable, self.last_error) from exc
        self.close()
        return result

    async def probe(
        self,
        operation: Callable[[], Awaitable[T]],
        *,
        timeout_s: float | None = None,
        is_failure: Callable[[BaseException], bool] = _always,
    ) -> T:
        """A readiness check: run `operation()` within the timeout, open or not, and settle the breaker.

        An answer closes the breaker (a server that stalled and came back without its connection
        dropping has nobody else to tell; otherwise calls stay refused until the reset window ends
        while /readyz says ready), a failure opens it. Exceptions propagate untranslated: the
        check reports them."""
        limit = timeout_s or self.timeout_s
        try:
            async with asyncio.timeout(limit):
                result = await operation()
        except TimeoutError:
            self.trip(f"no answer within {limit:g} s")
            raise
        except Unavailable as exc:
            self.trip(str(exc))
            raise
        except Exception as exc:
            if is_failure(exc):
                self.trip(f"{type(exc).__name__}: {exc}")
            else:
                self.close()
            raise
        self.close()
        return result
