"""Access log (one structured line per request) and Prometheus request metrics."""

from __future__ import annotations

import time
from typing import Any

import structlog
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from prometheus_client import CollectorRegistry, Counter, Histogram

from api.context import SCOPE_KEY, RequestContext

UNMATCHED = "<unmatched>"


class HttpMetrics:
    """Request count and latency by method, route template and status, in their own registry."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        labels = ("method", "route", "status")
        self.requests = Counter(
            "cozeplus_http_requests", "HTTP requests handled", labels, registry=self.registry
        )
        self.latency = Histogram(
            "cozeplus_http_request_duration_seconds",
            "HTTP request latency from first byte in to last byte out",
            labels,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
            registry=self.registry,
        )
        self._children: dict[tuple[str, str, str], tuple[Any, Any]] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        key = (method, route, str(status))
        children = self._children.get(key)
        if children is None:  # label lookups are the costly part; cache the children
            children = (self.requests.labels(*key), self.latency.labels(*key))
            self._children[key] = children
        children[0].inc()
        children[1].observe(seconds)


class AccessLogMiddleware:
    def __init__(self, app: ASGIApp, metrics: HttpMetrics, enabled: bool = True) -> None:
        self.app = app
        self.metrics = metrics
        self.enabled = enabled
        self.log = structlog.get_logger("cozeplus.access")

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
                self.log.info(
                    "request",
                    method=method,
                    path=scope["path"],
                    route=route,
                    status=status,
                    duration_ms=round(elapsed * 1000, 3),
                    bytes=sent,
                    surface=ctx.surface.value if ctx else None,
                )
