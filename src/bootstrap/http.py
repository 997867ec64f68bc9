"""Builds the ASGI app from settings and the container."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from litestar.di import Provide

from api.app import AppServices, CozeplusASGI, HttpConfig, create_app
from api.middleware.guards import GuardSet, LocaleGuard
from bootstrap.container import Container, build_container
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
        version=package_version(),
    )


def app_services(container: Container, runtime: Runtime, guards: GuardSet) -> AppServices:
    system = container.system
    return AppServices(
        dependencies={
            "settings_service": Provide(lambda: system.settings_service(), sync_to_thread=False),  # noqa: PLW0108 - Litestar must see a plain callable, not a provider
        },
        health_checks=[container.core.database(), container.fulltext.index()],
        guards=guards,
        on_startup=[runtime.start],
        on_shutdown=[runtime.stop],
    )


def build_asgi(
    settings: Settings, container: Container | None = None, guards: GuardSet | None = None
) -> CozeplusASGI:
    container = container or build_container(settings)
    runtime = Runtime(container, role="serve", resources=[container.fulltext.index()])
    guards = guards or GuardSet(i18n=LocaleGuard(settings.default_locale))
    return create_app(http_config(settings), app_services(container, runtime, guards))


def asgi_factory() -> CozeplusASGI:
    """Entry point for `uvicorn --factory` with several worker processes."""
    from bootstrap.logging import configure_logging

    settings = Settings()
    configure_logging(settings.log_level, settings.log_format)
    return build_asgi(settings)
