from __future__ import annotations

from dependency_injector import containers, providers

from application.audit.service import AuditLog
from domain.common.ports import Clock, IdGenerator, UnitOfWorkFactory
from infra.persistence.audit import SqlAuditRepository


class AuditContainer(containers.DeclarativeContainer):
    uow: providers.Dependency[UnitOfWorkFactory] = providers.Dependency()
    ids: providers.Dependency[IdGenerator] = providers.Dependency()
    clock: providers.Dependency[Clock] = providers.Dependency()

    entries = providers.Singleton(SqlAuditRepository)
    audit_log = providers.Singleton(AuditLog, uow=uow, entries=entries, ids=ids, clock=clock)
