"""The composition root: wires every context's container to the shared infrastructure."""

from __future__ import annotations

from dependency_injector import containers, providers

from bootstrap.containers.core import CoreContainer
from bootstrap.containers.eventbus import EventBusContainer
from bootstrap.containers.system import SystemContainer
from bootstrap.settings import Settings


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)

    core = providers.Container(
        CoreContainer,
        database_url=settings.provided.resolved_database_url,
        worker_id=settings.provided.worker_id,
        db_pool_size=settings.provided.db_pool_size,
        db_echo=settings.provided.db_echo,
    )
    system = providers.Container(SystemContainer, uow=core.uow, ids=core.ids, clock=core.clock)
    eventbus = providers.Container(
        EventBusContainer,
        settings=settings,
        database=core.database,
        uow=core.uow,
        ids=core.ids,
        clock=core.clock,
    )


def build_container(settings: Settings) -> Container:
    return Container(settings=settings)
