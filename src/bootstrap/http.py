"""Builds the ASGI app from settings and the container."""

from __future__ import annotations

from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from litestar import Router
from litestar.di import Provide

from api.app import AppServices, CozeplusASGI, HttpConfig, create_app
from api.middleware.guards import GuardSet, LocaleGuard
from api.outage_metrics import OutageMetrics
from api.security.guards import PermissionGuard, SessionAuthGuard, TokenAuthGuard
from api.security.identity import current_actor
from bootstrap.container import Container, build_container
from bootstrap.infrastructure import breakers, infrastructure_health_checks, infrastructure_resources
from bootstrap.modules import MODULES, ContextModule
from bootstrap.modules import install as install_modules
from bootstrap.modules.base import SURFACES
from bootstrap.runtime import Runtime
from bootstrap.settings import Settings


def package_version() -> str:
    try:
        return version("cozeplus")
    except PackageNotFoundError:
        return "0+unknown"


def http_config(settings: Settings) -> HttpConfig:
    return HttpConfig(
        cors_origins=tuple(settings.cors_origins),
        max_body_bytes=settings.max_body_bytes,
        gzip_min_bytes=settings.gzip_min_bytes,
        access_log=settings.access_log,
        default_locale=settings.default_locale,
        cookie_secure=settings.cookie_secure,
        version=package_version(),
    )


def guard_set(container: Container, settings: Settings) -> GuardSet:
    identity = container.identity
    return GuardSet(
        token_auth=TokenAuthGuard(identity.token_service()),
        session_auth=SessionAuthGuard(identity.session_service(), settings.cors_origins),
        permission=PermissionGuard(identity.rate_limiter(), container.permission.checker()),
        i18n=LocaleGuard(settings.default_locale),
    )


def _provide(provider: object) -> Provide:
    # Litestar must see a plain callable; a dependency-injector provider is resolved per request.
    return Provide(lambda: provider(), sync_to_thread=False)  # type: ignore[operator]  # noqa: PLW0108


def module_dependencies(
    container: Container, modules: Sequence[ContextModule] = MODULES
) -> dict[str, Provide]:
    """Every module's Litestar dependency keys; a key claimed twice is a wiring error."""
    found: dict[str, Provide] = {"actor": Provide(current_actor)}
    for module in modules:
        for key, provider in module.dependencies(container).items():
            if key in found:
                raise ValueError(f"dependency key {key!r} of module {module.name} is already taken")
            found[key] = _provide(provider)
    return found


def module_routers(container: Container, modules: Sequence[ContextModule] = MODULES) -> list[Router]:
    """Every module's routes, surface by surface in module order, each module's under a router with
    its own dependencies (and the ones it borrows). Litestar checks every handler's dependencies
    against all dependencies in its scope, which with every module's at the app cost about a third
    of building the app; a route naming a dependency it cannot see fails the build."""
    by_name = {m.name: m for m in modules}
    routers = []
    for surface in SURFACES:
        for module in modules:
            handlers = list(getattr(module.routes, surface))
            if not handlers:
                continue
            providers = dict(module.dependencies(container))
            for name in module.borrows:
                providers.update(by_name[name].dependencies(container))
            dependencies = {key: _provide(provider) for key, provider in providers.items()}
            routers.append(Router(path="/", route_handlers=handlers, dependencies=dependencies))
    return routers


def app_services(container: Container, runtime: Runtime, guards: GuardSet) -> AppServices:
    install_modules()
    module_dependencies(container)  # a key claimed by two modules is a wiring error
    return AppServices(
        routes=module_routers(container),
        dependencies={"actor": Provide(current_actor)},
        health_checks=[
            container.core.database(),
            *infrastructure_health_checks(container),
            *[check for module in MODULES for check in module.health_checks(container)],
        ],
        guards=guards,
        collectors=[OutageMetrics(breakers(container), container.identity.rate_limiter())],
        on_startup=[runtime.start],
        on_shutdown=[runtime.stop],
    )


def build_asgi(
    settings: Settings,
    container: Container | None = None,
    guards: GuardSet | None = None,
    extra_routes: Sequence[Any] = (),
) -> CozeplusASGI:
    """The app `cozeplus serve` runs; tests may swap the guards or add routes of their own."""
    container = container or build_container(settings)
    # The infrastructure first, then each module's resources in module order (stopped in reverse).
    resources = [
        *infrastructure_resources(container),
        *[resource for module in MODULES for resource in module.resources(container)],
    ]
    runtime = Runtime(container, role="serve", resources=resources)
    services = app_services(container, runtime, guards or guard_set(container, settings))
    services.extra_routes = extra_routes
    return create_app(http_config(settings), services)


def asgi_factory() -> CozeplusASGI:
    """Entry point for `uvicorn --factory` with several worker processes."""
    from bootstrap.logging import configure_logging

    settings = Settings()
    configure_logging(settings.log_level, settings.log_format)
    return build_asgi(settings)
