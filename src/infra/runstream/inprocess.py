"""Run streams held in this process: a bounded ring buffer per run, live tails woken by an event.

The embedded default for a single API process. Readers in other processes cannot see these runs;
production with several API processes uses the NATS adapter.
"""

from __future__ import annotations

import asyncio
import bisect
import itertools
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from domain.common.runstream import (
    FINISH_KIND,
    RunAlreadyFinished,
    RunEvent,
    RunNotFound,
    RunStatus,
    validate_after,
    validate_kind,
    validate_run_id,
)
from infra.common.periodic import Periodic
from infra.runstream.codec import decode_data, encode_data


@dataclass(frozen=True, slots=True)
class _Stored:
    offset: int
    at: float
    kind: str
    body: bytes
    final: bool


@dataclass(slots=True)
class _Run:
    events: deque[_Stored]
    finished: bool = False
    # Replaced on every change: a reader waits on the current one, the writer sets it.
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def wake(self) -> None:
        self.changed.set()
        self.changed = asyncio.Event()


class InProcessRunStreams:
    name = "runstream"
    adapter = "inprocess"

    def __init__(
        self,
        *,
        ttl: float = 3600.0,
        max_events: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if ttl <= 0 or max_events < 1:
            raise ValueError("ttl must be positive and max_events at least 1")
        self.ttl = ttl
        self.max_events = max_events
        self._clock = clock
        self._runs: dict[str, _Run] = {}
        # One sequence for the whole store, like a JetStream stream: offsets never repeat, even
        # when an expired run id is written again.
        self._sequence = itertools.count(1)
        self._sweeper = Periodic("runstream-sweep", min(max(self.ttl / 4, 0.05), 30.0), self.sweep)

    async def start(self) -> None:
        self._sweeper.start()

    async def stop(self) -> None:
        await self._sweeper.stop()

    async def check(self) -> tuple[bool, str]:
        return True, f"{len(self._runs)} runs in memory"

    async def append(self, run_id: str, kind: str, data: Mapping[str, Any]) -> int:
        return self._add(validate_run_id(run_id), validate_kind(kind), encode_data(data), final=False)

    async def finish(
        self, run_id: str, kind: str = FINISH_KIND, data: Mapping[str, Any] | None = None
    ) -> int:
        return self._add(validate_run_id(run_id), validate_kind(kind), encode_data(data), final=True)

    async def status(self, run_id: str) -> RunStatus | None:
        run = self._live(validate_run_id(run_id))
        if run is None:
            return None
        return RunStatus(last_offset=run.events[-1].offset, finished=run.finished)

    def read(self, run_id: str, *, after: int = 0, follow: bool = True) -> AsyncIterator[RunEvent]:
        # Validate eagerly so bad input fails at the call, not at the first iteration.
        return self._read(validate_run_id(run_id), validate_after(after), follow)

    async def _read(self, run_id: str, after: int, follow: bool) -> AsyncIterator[RunEvent]:
        run = self._live(run_id)
        if run is None:
            raise RunNotFound(run_id=run_id)
        stop_at = None if follow else run.events[-1].offset
        cursor = after
        while True:
            if self._live(run_id) is not run:  # expired (and maybe recreated) while we waited
                raise RunNotFound(run_id=run_id)
            waiter = run.changed
            start = bisect.bisect_right(run.events, cursor, key=lambda e: e.offset)
            batch = list(itertools.islice(run.events, start, None))  # copy: the deque moves on
            for stored in batch:
                if stop_at is not None and stored.offset > stop_at:
                    return
                yield RunEvent(stored.offset, stored.kind, decode_data(stored.body), stored.final)
                cursor = stored.offset
                if stored.final:
                    return
            if stop_at is not None or run.finished:  # nothing can follow the terminal event
                return
            await waiter.wait()

    def _add(self, run_id: str, kind: str, body: bytes, *, final: bool) -> int:
        run = self._live(run_id)
        if run is None:
            run = self._runs[run_id] = _Run(deque(maxlen=self.max_events))
        if run.finished:
            raise RunAlreadyFinished(run_id=run_id)
        offset = next(self._sequence)
        run.events.append(_Stored(offset, self._clock(), kind, body, final))
        run.finished = final
        run.wake()
        return offset

    def _live(self, run_id: str) -> _Run | None:
        """The run with its expired events dropped; None (and forgotten) when none are left."""
        run = self._runs.get(run_id)
        if run is None:
            return None
        horizon = self._clock() - self.ttl
        events = run.events
        while events and events[0].at <= horizon:
            events.popleft()
        if not events:
            del self._runs[run_id]
            run.wake()  # followers notice the run is gone
            return None
        return run

    def sweep(self) -> int:
        """Drop expired events and runs now; returns how many runs were forgotten."""
        before = len(self._runs)
        for run_id in list(self._runs):
            self._live(run_id)
        return before - len(self._runs)
