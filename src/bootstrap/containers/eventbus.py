"""Event bus wiring: the adapter chosen by COZEPLUS_EVENTBUS_URL, the outbox relay, dead letters."""

from __future__ import annotations

from datetime import timedelta

from dependency_injector import containers, providers

from application.system.dead_letters import DeadLetterService
from bootstrap.settings import Settings
from crossdomain.permission import PermissionChecker
from domain.common.ports import Clock, IdGenerator
from infra.eventbus.delivery import DeliveryRunner, RetryPolicy
from infra.eventbus.inprocess import InProcessEventBus
from infra.eventbus.nats import NatsEventBus
from infra.eventbus.relay import OutboxRelay
from infra.eventbus.status import EventBusStatus
from infra.nats.connection import NatsConnection
from infra.persistence.database import Database
from infra.persistence.eventbus import SqlDeadLetterRepository
from infra.persistence.uow import SqlUnitOfWorkFactory


def _seconds(days: float) -> float:
    return days * 86400.0


def _retention(days: float) -> timedelta:
    return timedelta(days=days)


class EventBusContainer(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)
    database: providers.Dependency[Database] = providers.Dependency()
    uow: providers.Dependency[SqlUnitOfWorkFactory] = providers.Dependency()
    ids: providers.Dependency[IdGenerator] = providers.Dependency()
    clock: providers.Dependency[Clock] = providers.Dependency()
    nats: providers.Dependency[NatsConnection] = providers.Dependency()  # the process's shared connection
    permissions: providers.Dependency[PermissionChecker] = providers.Dependency()

    # Every context's consumers (domain.common.eventbus.Consumer); tests override this list.
    consumers = providers.List()
    # Per-process listeners (domain.common.eventbus.Listener), e.g. the permission cache's.
    listeners = providers.List()

    retry = providers.Singleton(
        RetryPolicy,
        base_s=settings.provided.eventbus_retry_base_s,
        max_s=settings.provided.eventbus_retry_max_s,
    )
    runner = providers.Singleton(
        DeliveryRunner,
        db=database,
        uow=uow,
        ids=ids,
        clock=clock,
        retry=retry,
        max_attempts=settings.provided.eventbus_max_attempts,
    )
    bus = providers.Selector(
        settings.provided.eventbus_adapter,
        inprocess=providers.Singleton(
            InProcessEventBus,
            db=database,
            runner=runner,
            ids=ids,
            clock=clock,
            ack_wait_s=settings.provided.eventbus_ack_wait_s,
            poll_interval_s=settings.provided.eventbus_poll_interval_s,
            batch_size=settings.provided.eventbus_batch_size,
            consumers=consumers,
            listeners=listeners,
        ),
        nats=providers.Singleton(
            NatsEventBus,
            connection=nats,
            runner=runner,
            stream=settings.provided.eventbus_stream,
            subject_prefix=settings.provided.eventbus_subject_prefix,
            ack_wait_s=settings.provided.eventbus_ack_wait_s,
            max_age_s=providers.Callable(_seconds, settings.provided.eventbus_retention_days),
            batch_size=settings.provided.eventbus_batch_size,
            consumers=consumers,
            listeners=listeners,
        ),
    )
    relay = providers.Singleton(
        OutboxRelay,
        db=database,
        bus=bus,
        clock=clock,
        batch_size=settings.provided.eventbus_batch_size,
        poll_interval_s=settings.provided.eventbus_poll_interval_s,
        retention=providers.Callable(_retention, settings.provided.eventbus_retention_days),
    )
    status = providers.Singleton(EventBusStatus, bus=bus, relay=relay, db=database)

    dead_letter_repository = providers.Singleton(SqlDeadLetterRepository)
    dead_letter_service = providers.Singleton(
        DeadLetterService,
        uow=uow,
        dead_letters=dead_letter_repository,
        bus=bus,
        clock=clock,
        permissions=permissions,
    )
