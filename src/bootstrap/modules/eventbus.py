"""The event bus's own surface: dead letters in the admin console (the bus itself is kernel)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dependency_injector import providers

from api.admin.events import DeadLettersController
from bootstrap.containers.eventbus import EventBusContainer
from bootstrap.modules.base import ContextModule, Kernel, Routes, wire

if TYPE_CHECKING:
    from bootstrap.container import Container


def _containers(c: Container, kernel: Kernel) -> dict[str, providers.Container[Any]]:
    return {"eventbus": wire(EventBusContainer, kernel, database=c.core.database, nats=c.core.nats)}


MODULE = ContextModule(
    name="eventbus",
    routes=Routes(admin=[DeadLettersController]),
    dependencies=lambda c: {"dead_letter_service": c.eventbus.dead_letter_service},
    containers=_containers,
)
