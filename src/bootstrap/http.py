"""Builds the ASGI app from settings and the container."""

from __future__ import annotations

from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from litestar.di import Provide

from api.app import AppServices, CozeplusASGI, HttpConfig, create_app
from api.middleware.guards import GuardSet, LocaleGuard
from api.outage_metrics import OutageMetrics
from api.security.guards import PermissionGuard, SessionAuthGuard, TokenAuthGuard
from api.security.identity import current_actor
from bootstrap.container import Container, build_container
from bootstrap.infrastructure import breakers, infrastructure_health_checks, infrastructure_resources
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


def app_services(container: Container, runtime: Runtime, guards: GuardSet) -> AppServices:
    identity = container.identity
    return AppServices(
        dependencies={
            "actor": Provide(current_actor),
            "settings_service": _provide(container.system.settings_service),
            "accounts": _provide(identity.account_service),
            "sessions": _provide(identity.session_service),
            "spaces": _provide(identity.space_service),
            "tokens": _provide(identity.token_service),
            "roles": _provide(container.permission.role_service),
            "grants": _provide(container.permission.grant_service),
            "audit": _provide(container.system.audit_trail),
            "object_links": _provide(container.storage.object_links),
            "uploads": _provide(container.upload.upload_service),
            "dead_letter_service": _provide(container.eventbus.dead_letter_service),
            "corporations": _provide(container.corporation.corporation_service),
            "departments": _provide(container.corporation.department_service),
            "employees": _provide(container.corporation.employee_service),
            "org_tree": _provide(container.corporation.tree_service),
            "model_admin": _provide(container.models.admin_service),
            "model_catalog": _provide(container.models.catalog),
            "agent_service": _provide(container.agent.agent_service),
            "publish_service": _provide(container.agent.publish_service),
            "conversations": _provide(container.conversation.conversation_service),
            "conversation_messages": _provide(container.conversation.message_service),
            "playground_history": _provide(container.conversation.playground_history),
            "chats": _provide(container.chat.service),
        },
        health_checks=[
            container.core.database(),
            *infrastructure_health_checks(container),
            container.models.health(),
        ],
        guards=guards,
        collectors=[OutageMetrics(breakers(container), identity.rate_limiter())],
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
    # The model seeding runs last: it needs the database only, and registers the first models once.
    # The chat runner comes last: stopped first, it fails running chats while the database and the
    # run streams are still there to record it.
    resources = [*infrastructure_resources(container), container.models.seeding(), container.chat.runner()]
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
