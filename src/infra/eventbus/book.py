"""What both event bus adapters keep the same way: the consumers and listeners they were given
(closed once the bus starts), the consumer loops they run, and how those loops are stopped and
counted for readiness."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence

from domain.common.eventbus import Consumer, Listener
from infra.eventbus.delivery import DeliveryRunner

STOP_GRACE_S = 10.0


class SubscriptionBook:
    def __init__(
        self,
        runner: DeliveryRunner,
        batch_size: int,
        consumers: Sequence[Consumer],
        listeners: Sequence[Listener],
    ) -> None:
        self._runner = runner
        self._batch = batch_size
        self._consumers: list[Consumer] = []
        self._listeners: list[Listener] = []
        self._tasks: list[asyncio.Task[None]] = []  # one consumer loop each
        self._stopping = asyncio.Event()
        self._started = False  # subscriptions are closed from start() to stop()
        for consumer in consumers:
            self.subscribe(consumer)
        for listener in listeners:
            self.listen(listener)

    @property
    def consumers(self) -> Sequence[Consumer]:
        return tuple(self._consumers)

    def subscribe(self, consumer: Consumer) -> None:
        if self._started:
            raise RuntimeError("subscribe() after start()")
        if any((c.group, c.topic) == (consumer.group, consumer.topic) for c in self._consumers):
            raise ValueError(f"group {consumer.group} already consumes {consumer.topic}")
        self._consumers.append(consumer)

    def listen(self, listener: Listener) -> None:
        if self._started:
            raise RuntimeError("listen() after start()")
        self._listeners.append(listener)

    async def _stop_loops(self) -> None:
        """Let each loop finish the delivery in hand, then stop waiting (what was interrupted is
        delivered again after ack_wait)."""
        if self._tasks:
            _, pending = await asyncio.wait(self._tasks, timeout=STOP_GRACE_S)
            for task in pending:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._tasks.clear()

    def _running_loops(self) -> tuple[int, str | None]:
        """How many consumer loops run, and the readiness complaint when some have stopped."""
        running = sum(1 for task in self._tasks if not task.done())
        if running < len(self._consumers):
            return running, f"{len(self._consumers) - running} of {len(self._consumers)} consumers stopped"
        return running, None
