"""The studio web app's pages and assets (web/dist, docs/adr/0050). Listed last: its fallback route
answers what no other module claims, and it tells the back end's own prefixes from the route table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dependency_injector import providers

from api import studio
from bootstrap.containers.studio import StudioContainer
from bootstrap.modules.base import ContextModule, Kernel, Routes, wire

if TYPE_CHECKING:
    from bootstrap.container import Container


def _containers(_: Container, kernel: Kernel) -> dict[str, providers.Container[Any]]:
    return {"studio": wire(StudioContainer, kernel)}


MODULE = ContextModule(
    name="studio",
    routes=Routes(web=studio.ROUTES),
    dependencies=lambda c: {"studio": c.studio.files},
    containers=_containers,
)
