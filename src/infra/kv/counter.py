"""Counters are stored as ASCII decimal integers so other tools (e.g. `nats kv get`) can read them."""

from __future__ import annotations

from domain.common.kv import InvalidKvValue

MAX_COUNT = 2**63 - 1


def next_count(current: bytes | None, by: int) -> int:
    if isinstance(by, bool) or not isinstance(by, int):
        raise InvalidKvValue(detail=f"increment must be an integer, got {by!r}")
    if current is None:
        value = 0
    else:
        try:
            value = int(current.decode("ascii"))
        except (UnicodeDecodeError, ValueError):
            raise InvalidKvValue(detail="the stored value is not a counter") from None
    result = value + by
    if abs(result) > MAX_COUNT:
        raise InvalidKvValue(detail="counter out of range")
    return result
