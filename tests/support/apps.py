"""The real app with a few extra test-only routes (errors, big bodies, event streams)."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from api.app import create_app
from api.middleware.guards import GuardSet
from bootstrap.container import build_container
from bootstrap.http import app_services, guard_set, http_config
from bootstrap.runtime import Runtime
from bootstrap.settings import Settings


def client_with_routes(
    settings: Settings, routes: list[Any], guards: GuardSet | None = None, **overrides: Any
) -> AsyncTestClient:  # type: ignore[type-arg]
    """A test client for the full app plus `routes`; the app is reachable as `client.cozeplus_app`."""
    settings = settings.model_copy(update=overrides)
    container = build_container(settings)
    runtime = Runtime(container, role="serve")
    services = app_services(container, runtime, guards or guard_set(container, settings))
    services.extra_routes = routes
    app = create_app(http_config(settings), services)
    test_client = AsyncTestClient(app=app)  # type: ignore[arg-type]
    test_client.cozeplus_app = app  # type: ignore[attr-defined]
    return test_client
