"""What the shared infrastructure contributes to a process: resources to start and /readyz checks."""

from __future__ import annotations

from api.health import HealthCheck
from bootstrap.container import Container
from bootstrap.runtime import Resource


def infrastructure_resources(container: Container) -> list[Resource]:
    """In start order: the shared NATS connection (when a port uses it) before the adapters on it."""
    core = container.core
    resources: list[Resource] = []
    if container.settings().nats_ports:
        resources.append(core.nats())
    resources += [core.run_streams(), core.kv(), container.storage.object_storage()]
    return resources


def infrastructure_health_checks(container: Container) -> list[HealthCheck]:
    core = container.core
    checks: list[HealthCheck] = []
    if container.settings().nats_ports:
        checks.append(core.nats())
    checks += [core.run_streams(), core.kv(), container.storage.object_storage()]
    return checks
