from __future__ import annotations

from dependency_injector import containers, providers

from application.audit.service import AuditLog
from application.system.settings import SystemSettingsService
from crossdomain.permission import PermissionChecker
from domain.common.ports import Clock, IdGenerator, UnitOfWorkFactory
from infra.persistence.system import SqlSettingRepository


class SystemContainer(containers.DeclarativeContainer):
    uow: providers.Dependency[UnitOfWorkFactory] = providers.Dependency()
    ids: providers.Dependency[IdGenerator] = providers.Dependency()
    clock: providers.Dependency[Clock] = providers.Dependency()
    audit: providers.Dependency[AuditLog] = providers.Dependency()
    permissions: providers.Dependency[PermissionChecker] = providers.Dependency()

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
