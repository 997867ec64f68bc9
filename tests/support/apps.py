"""The real app with a few extra test-only routes (errors, big bodies, event streams)."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from api.middleware.guards import GuardSet
from bootstrap.container import build_container
from bootstrap.http import build_asgi
from bootstrap.settings import Settings
from tests.support.conversation_fakes import fill_missing_contracts


def client_with_routes(
    settings: Settings, routes: list[Any], guards: GuardSet | None = None, **overrides: Any
) -> AsyncTestClient:  # type: ignore[type-arg]
    """A test client for the full app plus `routes`; the app is reachable as `client.cozeplus_app`."""
    settings = settings.model_copy(update=overrides)
    container = build_container(settings)
    fill_missing_contracts(container)
    app = build_asgi(settings, container, guards=guards, extra_routes=routes)
    test_client = AsyncTestClient(app=app)  # type: ignore[arg-type]
    test_client.cozeplus_app = app  # type: ignore[attr-defined]
    return test_client
