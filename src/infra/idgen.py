"""Time-ordered 63-bit ids: 41 bits of milliseconds since 2024-01-01, 10 bits of worker, 12 of sequence.

A worker id is unique per live process; it comes from settings or from a lease in the database
(infra.persistence.worker_lease). Ids from one process are strictly increasing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

EPOCH_MS = 1_704_067_200_000  # 2024-01-01T00:00:00Z
WORKER_BITS = 10
SEQUENCE_BITS = 12
MAX_WORKER = (1 << WORKER_BITS) - 1
_SEQ_MASK = (1 << SEQUENCE_BITS) - 1
MAX_BACKWARDS_MS = 5_000


class ClockMovedBackwards(RuntimeError):
    pass


class SnowflakeIds:
    def __init__(self, worker_id: int | None = None, now_ms: Callable[[], int] | None = None) -> None:
        self._now_ms = now_ms or (lambda: time.time_ns() // 1_000_000)
        self._lock = threading.Lock()
        self._last_ms = -1
        self._seq = 0
        self._worker: int | None = None
        if worker_id is not None:
            self.assign(worker_id)

    @property
    def worker_id(self) -> int | None:
        return self._worker

    def assign(self, worker_id: int) -> None:
        if not 0 <= worker_id <= MAX_WORKER:
            raise ValueError(f"worker id must be within 0..{MAX_WORKER}")
        with self._lock:
            self._worker = worker_id

    def next_id(self) -> int:
        with self._lock:
            if self._worker is None:
                raise RuntimeError("id generator has no worker id yet")
            now = self._now_ms()
            if now < self._last_ms:
                if self._last_ms - now > MAX_BACKWARDS_MS:
                    raise ClockMovedBackwards(f"clock went back {self._last_ms - now} ms")
                now = self._last_ms  # small step back (NTP slew): keep counting within the last ms
            if now == self._last_ms:
                self._seq = (self._seq + 1) & _SEQ_MASK
                if self._seq == 0:  # 4096 ids in this millisecond: wait for the next one
                    while (now := self._now_ms()) <= self._last_ms:
                        time.sleep(0.0001)
            else:
                self._seq = 0
            self._last_ms = now
            return (
                ((now - EPOCH_MS) << (WORKER_BITS + SEQUENCE_BITS))
                | (self._worker << SEQUENCE_BITS)
                | self._seq
            )


def id_timestamp_ms(value: int) -> int:
    return (value >> (WORKER_BITS + SEQUENCE_BITS)) + EPOCH_MS
