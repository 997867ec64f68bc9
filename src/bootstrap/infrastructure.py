"""What the shared infrastructure contributes to a process: resources to start and /readyz checks."""

from __future__ import annotations

from typing import Any

from api.health import HealthCheck
from bootstrap.container import Container
from bootstrap.runtime import Resource


def _adapters(container: Container) -> list[Any]:
    """In start order: the shared NATS connection (when a port uses it) before the adapters on it."""
    core = container.core
    adapters: list[Any] = [core.nats()] if container.settings().nats_ports else []
    adapters += [
        core.run_streams(),
        core.kv(),
        container.storage.object_storage(),
        container.fulltext.index(),
        container.vectors.store(),
    ]
    return adapters


def infrastructure_resources(container: Container) -> list[Resource]:
    # The event bus (its consumers) after the adapters it may use, then the outbox relay feeding it:
    # `serve` and `worker` both run them. Stopped in reverse order.
    wake_relay_on_reconnect(container)
    return [*_adapters(container), container.eventbus.bus(), container.eventbus.relay()]


def infrastructure_health_checks(container: Container) -> list[HealthCheck]:
    return [*_adapters(container), container.eventbus.status()]


def breakers(container: Container) -> list[Any]:
    """Every server's circuit breaker in this process (for /metrics)."""
    found = [getattr(a, "breaker", None) for a in [container.core.database(), *_adapters(container)]]
    return [b for b in found if b is not None]


def wake_relay_on_reconnect(container: Container) -> None:
    """When the event bus is on NATS, publish the outbox backlog as soon as the server is back
    instead of after the relay's back-off (up to 10 s)."""
    if container.settings().eventbus_adapter != "nats":
        return
    relay = container.eventbus.relay()

    async def wake() -> None:
        relay.wake()

    container.core.nats().on_reconnected(wake)
