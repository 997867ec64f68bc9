from __future__ import annotations

from dependency_injector import containers, providers

from application.audit.service import AuditTrail
from application.system.settings import SystemSettingsService
from crossdomain.audit import AuditRecorder
from crossdomain.permission import PermissionChecker
from domain.audit.ports import AuditRepository
from domain.common.ports import Clock, IdGenerator, UnitOfWorkFactory
from infra.persistence.system import SqlSettingRepository


class SystemContainer(containers.DeclarativeContainer):
    uow: providers.Dependency[UnitOfWorkFactory] = providers.Dependency()
    ids: providers.Dependency[IdGenerator] = providers.Dependency()
    clock: providers.Dependency[Clock] = providers.Dependency()
    audit: providers.Dependency[AuditRecorder] = providers.Dependency()
    permissions: providers.Dependency[PermissionChecker] = providers.Dependency()
    audit_entries: providers.Dependency[AuditRepository] = providers.Dependency()

    setting_repository = providers.Singleton(SqlSettingRepository)
    settings_service = providers.Singleton(
        SystemSettingsService,
        uow=uow,
        settings=setting_repository,
        audit=audit,
        ids=ids,
        clock=clock,
        permissions=permissions,
    )
    # The admin console's reads of the audit log (AuditLog writes it for every context).
    audit_trail = providers.Singleton(AuditTrail, uow=uow, entries=audit_entries, permissions=permissions)
