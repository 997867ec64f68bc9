"""The composition root: wires every context's container to the shared infrastructure."""

from __future__ import annotations

from dependency_injector import containers, providers

from bootstrap.containers.core import CoreContainer
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
        nats_url=settings.provided.resolved_nats_url,
        nats_replicas=settings.provided.nats_replicas,
        runstream_adapter=settings.provided.runstream_adapter,
        runstream_ttl=settings.provided.runstream_ttl_s,
        runstream_max_events=settings.provided.runstream_max_events,
        runstream_stream=settings.provided.runstream_stream,
        runstream_subject_prefix=settings.provided.runstream_subject_prefix,
        kv_adapter=settings.provided.kv_adapter,
        kv_max_ttl=settings.provided.kv_max_ttl_s,
        kv_bucket=settings.provided.kv_bucket,
    )
    system = providers.Container(SystemContainer, uow=core.uow, ids=core.ids, clock=core.clock)


def build_container(settings: Settings) -> Container:
    return Container(settings=settings)
