from __future__ import annotations

from dependency_injector import containers, providers

from infra.clock import SystemClock
from infra.idgen import SnowflakeIds
from infra.persistence.database import Database
from infra.persistence.uow import SqlUnitOfWorkFactory
from infra.persistence.worker_lease import WorkerLeases


class CoreContainer(containers.DeclarativeContainer):
    """Infrastructure shared by every context: clock, ids, database and unit of work."""

    database_url = providers.Dependency(instance_of=str)
    worker_id: providers.Dependency[int | None] = providers.Dependency()
    db_pool_size = providers.Dependency(instance_of=int, default=10)
    db_echo = providers.Dependency(instance_of=bool, default=False)

    clock = providers.Singleton(SystemClock)
    ids = providers.Singleton(SnowflakeIds, worker_id=worker_id)
    database = providers.Singleton(Database, url=database_url, echo=db_echo, pool_size=db_pool_size)
    uow = providers.Singleton(SqlUnitOfWorkFactory, db=database, ids=ids, clock=clock)
    worker_leases = providers.Singleton(WorkerLeases, db=database)
