"""Builds the ASGI app from settings and the container."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from litestar.di import Provide

from api.app import AppServices, CozeplusASGI, HttpConfig, create_app
from api.middleware.guards import GuardSet, LocaleGuard
from bootstrap.container import Container, build_container
from bootstrap.runtime import Runtime, eventbus_resources
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
        version=package_version(),
    )


def app_services(container: Container, runtime: Runtime, guards: GuardSet) -> AppServices:
    system = container.system
    eventbus = container.eventbus
    return AppServices(
        dependencies={
            "settings_service": Provide(lambda: system.settings_service(), sync_to_thread=False),
            "dead_letter_service": Provide(lambda: eventbus.dead_letter_service(), sync_to_thread=False),
        },
        health_checks=[container.core.database(), eventbus.status()],
        guards=guards,
        on_startup=[runtime.start],
        on_shutdown=[runtime.stop],
    )


def build_asgi(
    settings: Settings, container: Container | None = None, guards: GuardSet | None = None
) -> CozeplusASGI:
    container = container or build_container(settings)
    # `serve` runs the outbox relay and the event consumers in-process, like `cozeplus worker`.
    runtime = Runtime(container, role="serve", resources=eventbus_resources(container))
    guards = guards or GuardSet(i18n=LocaleGuard(settings.default_locale))
    return create_app(http_config(settings), app_services(container, runtime, guards))


def asgi_factory() -> CozeplusASGI:
    """Entry point for `uvicorn --factory` with several worker processes."""
    from bootstrap.logging import configure_logging

    settings = Settings()
    configure_logging(settings.log_level, settings.log_format)
    return build_asgi(settings)
