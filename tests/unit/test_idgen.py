from __future__ import annotations

import pytest

from infra.idgen import EPOCH_MS, MAX_WORKER, ClockMovedBackwards, SnowflakeIds, id_timestamp_ms


def test_ids_increase_and_carry_time_and_worker() -> None:
    ids = SnowflakeIds(worker_id=7)
    values = [ids.next_id() for _ in range(20_000)]  # crosses many 4096-id milliseconds
    assert values == sorted(values)
    assert len(set(values)) == len(values)
    assert all(0 < v < 2**63 for v in values)
    assert all((v >> 12) & MAX_WORKER == 7 for v in values)
    assert id_timestamp_ms(values[0]) > EPOCH_MS


def test_sequence_overflow_waits_for_next_millisecond() -> None:
    ticks = iter([EPOCH_MS + 10] * 4097 + [EPOCH_MS + 11] * 10)
    ids = SnowflakeIds(worker_id=1, now_ms=lambda: next(ticks))
    values = [ids.next_id() for _ in range(4097)]
    assert len(set(values)) == 4097
    assert id_timestamp_ms(values[-1]) == EPOCH_MS + 11


def test_small_clock_step_back_keeps_order_large_one_refuses() -> None:
    now = [EPOCH_MS + 10_000]
    ids = SnowflakeIds(worker_id=1, now_ms=lambda: now[0])
    first = ids.next_id()
    now[0] -= 100
    assert ids.next_id() > first
    now[0] -= 10_000
    with pytest.raises(ClockMovedBackwards):
        ids.next_id()


def test_worker_id_is_required_and_bounded() -> None:
    ids = SnowflakeIds()
    with pytest.raises(RuntimeError):
        ids.next_id()
    with pytest.raises(ValueError, match="worker id"):
        ids.assign(MAX_WORKER + 1)
