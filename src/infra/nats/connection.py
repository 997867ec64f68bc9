"""One NATS connection per process, shared by every NATS-backed adapter."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import structlog
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.errors import APIError, ServiceUnavailableError

from domain.common.errors import Unavailable
from infra.common.breaker import Breaker

log = structlog.get_logger("cozeplus.nats")

T = TypeVar("T")

RETRY_CONNECT_S = 2.0
CALL_TIMEOUT_S = 1.0  # one request/reply on the request path; a healthy server answers in ms
PROBE_AFTER_S = 1.0


def _is_failure(exc: BaseException) -> bool:
    """The server answered with an error about the request (not found, wrong sequence ...): alive."""
    return not isinstance(exc, APIError) or isinstance(exc, ServiceUnavailableError)


class NatsConnection:
    """Connects on `start()`, reconnects forever in the background, reports to /readyz.

    A server that is down at start-up must not stop the process from serving what does not need
    it: `start()` gives up after one bounded attempt and keeps connecting in the background, and
    the NATS-backed ports report "not connected" on /readyz until it succeeds."""

    name = "nats"
    adapter = "nats-jetstream"

    def __init__(
        self,
        url: str,
        *,
        connect_timeout: float = 2.0,
        client_name: str = "cozeplus",
        call_timeout: float = CALL_TIMEOUT_S,
        probe_after: float = PROBE_AFTER_S,
    ) -> None:
        self.url = url
        self._connect_timeout = connect_timeout
        # One breaker for the server, whichever port calls it (run streams, KV, event bus).
        self.breaker = Breaker("nats", timeout_s=call_timeout, reset_s=probe_after)
        self._client_name = client_name
        self._nc: Client | None = None
        self._connector: asyncio.Task[None] | None = None
        self._stopping = False
        self._on_back: list[Callable[[], Awaitable[None]]] = []

    async def start(self) -> None:
        if (self._nc is not None and not self._nc.is_closed) or self._connector is not None:
            return
        try:
            await self._connect_once()
        except Exception as exc:  # keep serving; connect in the background
            log.warning("nats_unreachable_at_start", url=self.url, error=type(exc).__name__)
            self._connector = asyncio.create_task(self._connect_until_up(), name="nats-connect")

    async def _connect_once(self) -> None:
        nc = Client()
        try:
            # nats-py's own initial connect loops forever with unlimited reconnects: bound it here.
            await asyncio.wait_for(
                nc.connect(
                    self.url,
                    name=self._client_name,
                    connect_timeout=self._connect_timeout,  # type: ignore[arg-type]  # seconds; floats work
                    max_reconnect_attempts=-1,  # keep trying: a restarted server must be picked up again
                    reconnect_time_wait=0.5,  # type: ignore[arg-type]
                    allow_reconnect=True,
                    error_cb=self._on_error,
                    disconnected_cb=self._on_disconnect,
                    reconnected_cb=self._on_reconnect,
                ),
                timeout=self._connect_timeout * 2,
            )
        except BaseException:
            with contextlib.suppress(Exception):
                await nc.close()
            raise
        self._nc = nc

    async def _connect_until_up(self) -> None:
        while True:
            await asyncio.sleep(RETRY_CONNECT_S)
            try:
                await self._connect_once()
            except Exception as exc:  # still down; try again
                log.debug("nats_still_unreachable", url=self.url, error=type(exc).__name__)
                continue
            log.info("nats_connected", url=self.url)
            self.breaker.close()
            self._connector = None
            for hook in list(self._on_back):
                await _quietly(hook)
            return

    async def stop(self) -> None:
        if self._connector is not None:
            self._connector.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._connector
            self._connector = None
        if self._nc is not None and not self._nc.is_closed:
            self._stopping = True
            try:
                if self._nc.is_connected:
                    await self._nc.drain()
                else:  # reconnecting: nothing can be drained, stop trying
                    await self._nc.close()
            finally:
                self._stopping = False
        self._nc = None

    @property
    def is_connected(self) -> bool:
        return self._nc is not None and self._nc.is_connected

    @property
    def client(self) -> Client:
        if self._nc is None:
            raise RuntimeError("NATS connection not started")
        return self._nc

    def jetstream(self) -> JetStreamContext:
        # Every JetStream API request and publish from it waits at most the call timeout.
        return self.client.jetstream(timeout=self.breaker.timeout_s)

    async def call(
        self,
        operation: Callable[[], Awaitable[T]],
        unavailable: Callable[..., Unavailable],
        *,
        timeout_s: float | None = None,
        single: bool = False,
    ) -> T:
        """Run a request to the server within the call timeout, through the breaker.

        `single`: one JetStream request from `jetstream()`, which carries the timeout itself, so no
        second timer is armed (run-stream appends are the chat path's most frequent call).
        While the client is disconnected nats-py would buffer the request and let it wait for its
        full timeout: refuse at once instead (the breaker opens; the reconnect callback closes it)."""
        if self._nc is None or not self._nc.is_connected:
            if not self.breaker.is_open:
                self.breaker.trip("not connected")
            raise self.breaker.refuse(unavailable)
        return await self.breaker.call(
            operation, unavailable, timeout_s=timeout_s, bounded=not single, is_failure=_is_failure
        )

    async def probe(self, operation: Callable[[], Awaitable[T]]) -> T:
        """A readiness check's request: sent whatever the breaker's state, and its answer settles it."""
        return await self.breaker.probe(operation, is_failure=_is_failure)

    async def check(self) -> tuple[bool, str]:
        """A JetStream request and its reply, through the breaker's probe.

        Not `Client.flush()`: when its PING times out (a stalled server) nats-py 2.16 leaves the
        cancelled future queued, the late PONG fails on it and the client's read loop dies; the
        client still says connected, reads nothing, and `flush()` returns at once from then on."""
        if self._nc is None or not self._nc.is_connected:
            if not self.breaker.is_open:  # as `call()` does: the breaker agrees with readiness
                self.breaker.trip("not connected")
            return False, "not connected"
        started = time.perf_counter()
        try:
            await self.probe(lambda: self.jetstream().account_info())
        except Exception as exc:  # readiness reports, never raises
            return False, _reason(exc)
        return True, f"{(time.perf_counter() - started) * 1000:.1f} ms"

    async def _on_error(self, exc: Exception) -> None:
        # nats-py's default prints a traceback per failed attempt; one line is enough.
        log.warning("nats_error", url=self.url, error=f"{type(exc).__name__}: {exc}"[:200])

    async def _on_disconnect(self) -> None:
        if self._stopping:  # our own drain, not an outage
            return
        log.warning("nats_disconnected", url=self.url)
        self.breaker.trip("disconnected")

    async def _on_reconnect(self) -> None:
        log.info("nats_reconnected", url=self.url)
        self.breaker.close()  # the client's reconnect is the probe: the server answered
        for hook in list(self._on_back):
            await _quietly(hook)

    def on_reconnected(self, hook: Callable[[], Awaitable[None]]) -> None:
        """Call `hook` after every reconnect (e.g. to resync what may have been missed meanwhile)."""
        self._on_back.append(hook)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "no answer (TimeoutError)"
    return type(exc).__name__


async def _quietly(hook: Callable[[], Awaitable[None]]) -> None:
    try:
        await hook()
    except Exception as exc:  # one hook's failure must not stop the others or the client
        log.warning("nats_reconnect_hook_failed", error=f"{type(exc).__name__}: {exc}"[:200])
