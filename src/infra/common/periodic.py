"""A background task that calls a function every `interval` seconds until stopped."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable


class Periodic:
    def __init__(self, name: str, interval: float, tick: Callable[[], object]) -> None:
        self._name = name
        self._interval = interval
        self._tick = tick
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=self._name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            self._tick()
