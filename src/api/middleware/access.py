"""Access log (one JSON line per request) and Prometheus request metrics.

Both run on every request, so both avoid general-purpose machinery on the hot path: the access line
is built and serialized here in one step (same fields and format as the structlog lines), and the
metrics are plain counters read by a Prometheus collector at scrape time.
"""

from __future__ import annotations

import asyncio
import bisect
import time
from collections.abc import Callable, Iterator
from typing import Any

import orjson
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from prometheus_client import CollectorRegistry
from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector

from api.context import SCOPE_KEY, RequestContext

UNMATCHED = "<unmatched>"
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
LABELS = ("method", "route", "status")


class _Series:
    __slots__ = ("buckets", "count", "total")

    def __init__(self) -> None:
        self.count = 0
        self.total = 0.0
        self.buckets = [0] * (len(BUCKETS) + 1)  # the last one is +Inf


class HttpMetrics(Collector):
    """Request count and latency by method, route template and status, in their own registry.

    One event loop per process updates these, so no locks are needed; the registry reads a
    consistent-enough snapshot when /metrics is scraped.
    """

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self._series: dict[tuple[str, str, str], _Series] = {}
        self.registry = registry or CollectorRegistry()
        self.registry.register(self)

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        key = (method, route, str(status))
        series = self._series.get(key)
        if series is None:
            series = self._series[key] = _Series()
        series.count += 1
        series.total += seconds
        series.buckets[bisect.bisect_left(BUCKETS, seconds)] += 1

    def collect(self) -> Iterator[Any]:
        requests = CounterMetricFamily("cozeplus_http_requests", "HTTP requests handled", labels=LABELS)
        latency = HistogramMetricFamily(
            "cozeplus_http_request_duration_seconds",
            "HTTP request latency from first byte in to last byte out",
            labels=LABELS,
        )
        for key, series in list(self._series.items()):
            requests.add_metric(list(key), series.count)
            cumulative, points = 0, []
            for bound, count in zip((*BUCKETS, float("inf")), series.buckets, strict=True):
                cumulative += count
                points.append(("+Inf" if bound == float("inf") else repr(bound), cumulative))
            latency.add_metric(list(key), points, series.total)
        yield requests
        yield latency


class _Clock:
    """ISO-8601 UTC timestamps; the date-time part is formatted once per second."""

    __slots__ = ("_prefix", "_second")

    def __init__(self) -> None:
        self._second, self._prefix = -1, ""

    def iso(self, now: float) -> str:
        second = int(now)
        if second != self._second:
            self._second, self._prefix = second, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        return f"{self._prefix}.{int((now - second) * 1_000_000):06d}Z"


class BufferedSink:
    """Collects access lines and writes them in one system call at most every `interval` seconds
    (or when `limit` bytes wait): a write per request cost more than the rest of the line's work.
    A crash may lose the last fraction of a second of access lines; `flush()` runs at shutdown."""

    def __init__(self, stream: Any = None, interval: float = 0.1, limit: int = 64 * 1024) -> None:
        import sys

        self._stream = stream or sys.stdout.buffer
        self._interval = interval
        self._limit = limit
        self._pending = bytearray()
        self._scheduled = False

    def __call__(self, line: bytes) -> None:
        self._pending += line
        if len(self._pending) >= self._limit:
            self.flush()
        elif not self._scheduled:
            try:
                asyncio.get_running_loop().call_later(self._interval, self._timed_flush)
                self._scheduled = True
            except RuntimeError:  # no loop (a synchronous caller): write now
                self.flush()

    def _timed_flush(self) -> None:
        self._scheduled = False
        self.flush()

    def flush(self) -> None:
        if self._pending:
            data, self._pending = bytes(self._pending), bytearray()
            self._stream.write(data)
            self._stream.flush()


class AccessLogMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        metrics: HttpMetrics,
        enabled: bool = True,
        sink: Callable[[bytes], None] | None = None,
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.enabled = enabled
        self._sink = sink or BufferedSink()
        self._clock = _Clock()

    def flush(self) -> None:
        flush = getattr(self._sink, "flush", None)
        if flush is not None:
            flush()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        status = 500
        sent = 0

        async def observe_send(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, observe_send)
        finally:
            ctx: RequestContext | None = scope.get(SCOPE_KEY)  # type: ignore[assignment]
            started = ctx.started if ctx else time.perf_counter()
            elapsed = time.perf_counter() - started
            route = scope.get("path_template") or UNMATCHED
            method: str = scope.get("method", "GET")
            self.metrics.observe(method, route, status, elapsed)
            if self.enabled:
                line = {
                    "method": method,
                    "path": scope["path"],
                    "route": route,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 3),
                    "bytes": sent,
                    "surface": ctx.surface.value if ctx else None,
                    "event": "request",
                    "level": "info",
                    "timestamp": self._clock.iso(time.time()),
                    "log_id": ctx.log_id if ctx else None,
                }
                self._sink(orjson.dumps(line) + b"\n")
