"""Prometheus view of outages: each server's circuit breaker and the rate limiter's fail-open mode."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Protocol

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from application.common.ratelimit import RateLimiter


class BreakerView(Protocol):
    server: str
    failures: int
    fast_failures: int
    opened: int

    @property
    def is_open(self) -> bool: ...


class OutageMetrics(Collector):
    def __init__(self, breakers: Sequence[BreakerView], limiter: RateLimiter | None) -> None:
        self._breakers = list(breakers)
        self._limiter = limiter

    def collect(self) -> Iterator[Any]:
        labels = ["server"]
        is_open = GaugeMetricFamily(
            "cozeplus_dependency_breaker_open", "1 while calls to the server fail fast", labels=labels
        )
        failures = CounterMetricFamily(
            "cozeplus_dependency_failures", "calls that failed or timed out at the server", labels=labels
        )
        fast = CounterMetricFamily(
            "cozeplus_dependency_fast_failures",
            "calls refused at once while the breaker was open",
            labels=labels,
        )
        opened = CounterMetricFamily(
            "cozeplus_dependency_breaker_opened", "times the breaker opened", labels=labels
        )
        for breaker in self._breakers:
            is_open.add_metric([breaker.server], 1.0 if breaker.is_open else 0.0)
            failures.add_metric([breaker.server], breaker.failures)
            fast.add_metric([breaker.server], breaker.fast_failures)
            opened.add_metric([breaker.server], breaker.opened)
        yield from (is_open, failures, fast, opened)
        if self._limiter is not None:
            yield GaugeMetricFamily(
                "cozeplus_ratelimit_local_mode",
                "1 while rate limits are counted per process because the key-value store is unavailable",
                value=1.0 if self._limiter.failing_open else 0.0,
            )
            yield CounterMetricFamily(
                "cozeplus_ratelimit_local_counts",
                "calls counted per process (fail-open) instead of in the shared store",
                value=self._limiter.local_counts,
            )
