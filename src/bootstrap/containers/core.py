from __future__ import annotations

from dependency_injector import containers, providers

from infra.clock import SystemClock
from infra.idgen import SnowflakeIds
from infra.kv.inprocess import InProcessKeyValue
from infra.kv.nats import NatsKeyValue
from infra.nats.connection import NatsConnection
from infra.persistence.database import Database
from infra.persistence.uow import SqlUnitOfWorkFactory
from infra.persistence.worker_lease import WorkerLeases
from infra.runstream.inprocess import InProcessRunStreams
from infra.runstream.nats import NatsRunStreams


class CoreContainer(containers.DeclarativeContainer):
    """Infrastructure shared by every context: clock, ids, database, unit of work, NATS, run streams, KV."""

    database_url = providers.Dependency(instance_of=str)
    worker_id: providers.Dependency[int | None] = providers.Dependency()
    db_pool_size = providers.Dependency(instance_of=int, default=10)
    db_echo = providers.Dependency(instance_of=bool, default=False)

    nats_url: providers.Dependency[str | None] = (
        providers.Dependency()
    )  # str, or None when no port uses NATS (then `nats` is never built)
    nats_replicas = providers.Dependency(instance_of=int, default=1)
    nats_timeout = providers.Dependency(instance_of=float, default=1.0)
    runstream_adapter = providers.Dependency(instance_of=str, default="inprocess")
    runstream_ttl = providers.Dependency(instance_of=float, default=3600.0)
    runstream_max_events = providers.Dependency(instance_of=int, default=10_000)
    runstream_stream = providers.Dependency(instance_of=str, default="COZEPLUS_RUNS")
    runstream_subject_prefix = providers.Dependency(instance_of=str, default="cozeplus.runs")
    kv_adapter = providers.Dependency(instance_of=str, default="inprocess")
    kv_max_ttl = providers.Dependency(instance_of=float, default=86_400.0)
    kv_bucket = providers.Dependency(instance_of=str, default="cozeplus")

    clock = providers.Singleton(SystemClock)
    ids = providers.Singleton(SnowflakeIds, worker_id=worker_id)
    database = providers.Singleton(Database, url=database_url, echo=db_echo, pool_size=db_pool_size)
    uow = providers.Singleton(SqlUnitOfWorkFactory, db=database, ids=ids, clock=clock)
    worker_leases = providers.Singleton(WorkerLeases, db=database)

    # One connection per process, shared by every NATS-backed adapter; created only when one is used.
    nats = providers.Singleton(NatsConnection, url=nats_url, call_timeout=nats_timeout)

    run_streams = providers.Selector(
        runstream_adapter,
        inprocess=providers.Singleton(
            InProcessRunStreams, ttl=runstream_ttl, max_events=runstream_max_events
        ),
        nats=providers.Singleton(
            NatsRunStreams,
            connection=nats,
            stream=runstream_stream,
            subject_prefix=runstream_subject_prefix,
            ttl=runstream_ttl,
            max_events=runstream_max_events,
            replicas=nats_replicas,
        ),
    )
    kv = providers.Selector(
        kv_adapter,
        inprocess=providers.Singleton(InProcessKeyValue, max_ttl=kv_max_ttl),
        nats=providers.Singleton(
            NatsKeyValue, connection=nats, bucket=kv_bucket, max_ttl=kv_max_ttl, replicas=nats_replicas
        ),
    )
