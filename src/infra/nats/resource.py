"""The lifecycle shared by adapters that keep one JetStream resource (a KV bucket, a stream): made
or adopted on first use and again after a failure, never fatal at start-up, reported in /readyz."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, ClassVar

from domain.common.errors import Unavailable
from infra.nats.connection import NatsConnection


class JetStreamResource(ABC):
    connection: NatsConnection
    _ready: bool
    _log: ClassVar[Any]  # the adapter's structlog logger
    _not_ready_event: ClassVar[str]  # logged when NATS does not answer at start-up
    _unavailable: ClassVar[Callable[..., Unavailable]]  # raised when it does not answer on use

    @abstractmethod
    def _where(self) -> tuple[str, str]:
        """What the resource is and its name, e.g. ("bucket", "COZEPLUS_KV")."""

    @abstractmethod
    async def _create(self) -> None:
        """Make or adopt the resource and set `_ready`."""

    @abstractmethod
    async def _summary(self) -> str:
        """The readiness detail once the resource is there."""

    async def start(self) -> None:
        try:
            await self._ensure()
        except Exception as exc:  # NATS down at start-up: /readyz says so, first use retries
            kind, name = self._where()
            self._log.warning(self._not_ready_event, **{kind: name}, error=type(exc).__name__)

    async def stop(self) -> None:
        self._ready = False

    async def check(self) -> tuple[bool, str]:
        ok, detail = await self.connection.check()
        if not ok:
            return False, detail
        try:
            await self._ensure()
            summary = await self._summary()
        except Exception as exc:  # readiness reports, never raises
            return False, "{} {}: {}".format(*self._where(), type(exc).__name__)
        return True, f"{summary}, {detail}"

    async def _ensure(self) -> None:
        if not self._ready:
            await self.connection.call(self._create, self._unavailable)
