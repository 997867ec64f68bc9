"""Litestar app factory and the outer ASGI chain."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from litestar import Litestar, MediaType, Request, Response
from litestar.config.cors import CORSConfig
from litestar.di import Provide
from litestar.exceptions import HTTPException
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.routes import HTTPRoute
from litestar.types import ASGIApp, ControllerRouterHandler, LifeSpanScope, Receive, Scope, Send
from prometheus_client.registry import Collector

from api import health, schema_assets
from api.body import ApiRequest
from api.context import is_api_surface, request_context
from api.errors import EXCEPTION_HANDLERS
from api.health import HealthCheck
from api.middleware.access import AccessLogMiddleware, HttpMetrics
from api.middleware.canonical import CanonicalPathMiddleware
from api.middleware.compression import StreamAwareCompression
from api.middleware.context import RequestContextMiddleware
from api.middleware.guards import GuardMiddleware, GuardSet, LocaleGuard

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
ACCEPTED_BODY_TYPES = ("application/json", "multipart/form-data", "application/x-www-form-urlencoded")


@dataclass(frozen=True, slots=True)
class HttpConfig:
    cors_origins: Sequence[str] = ()
    max_body_bytes: int = 10 * 1024 * 1024
    gzip_min_bytes: int = 1024
    access_log: bool = True
    default_locale: str = "en-US"
    cookie_secure: bool = False
    version: str = "0"


@dataclass(slots=True)
class AppServices:
    """What the composition root hands to the HTTP layer."""

    routes: Sequence[ControllerRouterHandler] = ()  # every context's, composed by bootstrap.modules
    dependencies: Mapping[str, Provide] = field(default_factory=dict)
    health_checks: Sequence[HealthCheck] = ()
    guards: GuardSet | None = None
    on_startup: Sequence[Callable[[], Awaitable[None]]] = ()
    on_shutdown: Sequence[Callable[[], Awaitable[None]]] = ()
    extra_routes: Sequence[Any] = ()
    collectors: Sequence[Collector] = ()  # more /metrics (breakers, rate-limit fail-open)


class CozeplusASGI:
    """The full chain: context/log id + inspector -> access log -> canonical path -> gzip -> Litestar.

    Inside Litestar, CORS wraps the router (so preflights and 404s get CORS headers), then the
    per-route guard positions run: token auth -> session auth -> permission -> i18n.
    """

    def __init__(self, litestar: Litestar, chain: ASGIApp, metrics: HttpMetrics) -> None:
        self.litestar = litestar
        self.metrics = metrics
        self._chain = chain

    async def __call__(self, scope: Scope | LifeSpanScope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.litestar(scope, receive, send)
        else:
            await self._chain(scope, receive, send)


def allowed_methods(app: Litestar) -> dict[str, str]:
    """Each path's methods, for the `Allow` header of OPTIONS answers.

    Litestar's own OPTIONS handler lists the methods of the first handler registered on a path only
    (it keeps the handler it made before later handlers joined the route), so the app answers from
    the finished route table instead."""
    allow: dict[str, set[str]] = {}
    for route in app.routes:
        if isinstance(route, HTTPRoute):
            allow.setdefault(route.path_format, set()).update(route.methods)
    return {path: ", ".join(sorted(methods)) for path, methods in allow.items()}


async def before_request(request: Request[Any, Any, Any]) -> Response[None] | None:
    if request.method == "OPTIONS":
        allow = request.app.state.allow.get(request.scope.get("path_template", ""))
        if allow is not None:
            return Response(None, status_code=204, headers={"Allow": allow}, media_type=MediaType.TEXT)
    await require_body_type(request)
    return None


async def require_body_type(request: Request[Any, Any, Any]) -> None:
    """Refuse bodies in formats the API does not read, before anything parses them (415)."""
    if request.method not in BODY_METHODS:
        return
    ctx = request_context(request.scope)
    if ctx is not None and not is_api_surface(ctx.surface):
        return
    headers = request.headers
    has_body = headers.get("content-length", "0") != "0" or "transfer-encoding" in headers
    if has_body and not headers.get("content-type", "").lower().startswith(ACCEPTED_BODY_TYPES):
        raise HTTPException(status_code=415)


def _cors(config: HttpConfig) -> CORSConfig | None:
    if not config.cors_origins:
        return None
    return CORSConfig(
        allow_origins=list(config.cors_origins),
        allow_credentials=True,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        allow_headers=["authorization", "content-type", "accept-language", "x-requested-with"],
        expose_headers=["x-log-id", "x-tt-logid", "retry-after"],
    )


def create_app(config: HttpConfig, services: AppServices) -> CozeplusASGI:
    guards = services.guards or GuardSet(i18n=LocaleGuard(config.default_locale))
    metrics = HttpMetrics()
    for collector in services.collectors:
        metrics.registry.register(collector)
    litestar = Litestar(
        route_handlers=[
            *health.ROUTES,
            *schema_assets.ROUTES,
            *services.routes,
            *services.extra_routes,
        ],
        dependencies=dict(services.dependencies),
        middleware=[DefineMiddleware(GuardMiddleware, guards=guards)],
        exception_handlers=EXCEPTION_HANDLERS,
        before_request=before_request,
        request_class=ApiRequest,
        on_startup=list(services.on_startup),
        on_shutdown=list(services.on_shutdown),
        request_max_body_size=config.max_body_bytes,
        cors_config=_cors(config),
        openapi_config=OpenAPIConfig(
            title="cozeplus",
            version=config.version,
            path="/schema",
            render_plugins=[schema_assets.render_plugin()],
        ),
        logging_config=None,
        debug=False,
    )
    litestar.state.allow = allowed_methods(litestar)
    litestar.state.health_checks = list(services.health_checks)
    litestar.state.metrics = metrics
    litestar.state.default_locale = config.default_locale
    litestar.state.cookie_secure = config.cookie_secure

    inner: ASGIApp = litestar
    if config.gzip_min_bytes:
        inner = StreamAwareCompression(inner, config.gzip_min_bytes)
    prefixes = frozenset(route.path.split("/")[1] for route in litestar.routes)
    inner = CanonicalPathMiddleware(inner, prefixes, config.default_locale)  # before routing
    access = AccessLogMiddleware(inner, metrics, enabled=config.access_log)
    litestar.on_shutdown.append(access.flush)  # the last buffered access lines
    inner = access
    chain = RequestContextMiddleware(inner)
    return CozeplusASGI(litestar, chain, metrics)
