"""One NATS connection per process, shared by every NATS-backed adapter."""

from __future__ import annotations

import time

import nats
import structlog
from nats.aio.client import Client
from nats.js import JetStreamContext

log = structlog.get_logger("cozeplus.nats")


class NatsConnection:
    """Connects lazily on `start()`, reconnects forever in the background, reports to /readyz."""

    name = "nats"
    adapter = "nats-jetstream"

    def __init__(self, url: str, *, connect_timeout: float = 2.0, client_name: str = "cozeplus") -> None:
        self.url = url
        self._connect_timeout = connect_timeout
        self._client_name = client_name
        self._nc: Client | None = None

    async def start(self) -> None:
        if self._nc is not None and not self._nc.is_closed:
            return
        self._nc = await nats.connect(
            self.url,
            name=self._client_name,
            connect_timeout=self._connect_timeout,
            # nats-py applies this bound to the first connect too, where -1 would retry forever and
            # hang start-up: fail fast here (callers retry and /readyz says why) ...
            max_reconnect_attempts=1,
            reconnect_time_wait=0.5,
            allow_reconnect=True,
            disconnected_cb=self._on_disconnect,
            reconnected_cb=self._on_reconnect,
        )
        # ... and once connected keep reconnecting forever: a restarted server must be picked up again.
        self._nc.options["max_reconnect_attempts"] = -1

    async def stop(self) -> None:
        if self._nc is not None and not self._nc.is_closed:
            await self._nc.drain()
        self._nc = None

    @property
    def client(self) -> Client:
        if self._nc is None:
            raise RuntimeError("NATS connection not started")
        return self._nc

    def jetstream(self) -> JetStreamContext:
        return self.client.jetstream()

    async def check(self) -> tuple[bool, str]:
        if self._nc is None or not self._nc.is_connected:
            return False, "not connected"
        started = time.perf_counter()
        try:
            await self._nc.flush(timeout=1)
        except Exception as exc:  # readiness reports, never raises
            return False, f"{type(exc).__name__}"
        return True, f"{(time.perf_counter() - started) * 1000:.1f} ms"

    async def _on_disconnect(self) -> None:
        log.warning("nats_disconnected", url=self.url)

    async def _on_reconnect(self) -> None:
        log.info("nats_reconnected", url=self.url)
