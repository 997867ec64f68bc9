"""Per-request context: log id, surface and locale, kept in the ASGI scope and a context variable."""

from __future__ import annotations

import random
import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

SCOPE_KEY = "cozeplus.ctx"

current_log_id: ContextVar[str | None] = ContextVar("cozeplus_log_id", default=None)


class Surface(StrEnum):
    TOKEN_API = "token_api"  # noqa: S105 - /v1, /v3, /open_api: personal access tokens, Coze OpenAPI codes
    SPA_API = "spa_api"  # /api: the single-page app, session cookie
    ADMIN = "admin"  # /api/admin and /admin
    SYSTEM = "system"  # /healthz, /readyz, /metrics, /schema
    STATIC = "static"  # anything else: pages and assets


_SYSTEM_PATHS = ("/healthz", "/readyz", "/metrics")


def classify(path: str) -> Surface:
    """The request inspector's rule. Paths are compared lower-cased so case tricks cannot change it."""
    p = path.lower()
    if p.startswith(("/v1/", "/v3/", "/open_api/")) or p in ("/v1", "/v3", "/open_api"):
        return Surface.TOKEN_API
    if p.startswith(("/api/admin/", "/admin/")) or p in ("/api/admin", "/admin"):
        return Surface.ADMIN
    if p.startswith("/api/") or p == "/api":
        return Surface.SPA_API
    if p in _SYSTEM_PATHS or p.startswith("/schema"):
        return Surface.SYSTEM
    return Surface.STATIC


def is_api_surface(surface: Surface) -> bool:
    return surface in (Surface.TOKEN_API, Surface.SPA_API, Surface.ADMIN)


_second = 0
_prefix = ""
_random_bits = random.Random().getrandbits


def new_log_id() -> str:
    """Coze-style log id: UTC timestamp to the second, then 16 random hex digits."""
    global _second, _prefix
    now = int(time.time())
    if now != _second:  # formatting the timestamp once a second keeps this cheap
        _second, _prefix = now, time.strftime("%Y%m%d%H%M%S", time.gmtime(now))
    # Log ids correlate lines; they guard nothing, so a fast PRNG is enough (no syscall per request).
    return f"{_prefix}{_random_bits(64):016X}"


@dataclass(slots=True)
class RequestContext:
    log_id: str
    surface: Surface
    started: float
    locale: str | None = None
    principal: Any = None
    trail: list[str] = field(default_factory=list)  # guard positions passed, in order (for diagnostics)


def request_context(scope: Any) -> RequestContext | None:
    ctx: RequestContext | None = scope.get(SCOPE_KEY)
    return ctx
