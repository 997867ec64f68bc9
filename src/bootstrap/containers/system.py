from __future__ import annotations

from dependency_injector import containers, providers

from application.audit.service import AuditTrail
from application.system.outbound import OutboundAllowListSync
from application.system.settings import SystemSettingsService
from crossdomain.audit import AuditRecorder
from crossdomain.permission import PermissionChecker
from domain.audit.ports import AuditRepository
from domain.common.eventbus import Listener
from domain.common.outbound import ALLOW_LIST_SETTING, AllowList, AllowListHolder
from domain.common.ports import Clock, IdGenerator, UnitOfWorkFactory
from domain.system.events import SettingChanged
from infra.persistence.system import SqlSettingRepository


class SystemContainer(containers.DeclarativeContainer):
    uow: providers.Dependency[UnitOfWorkFactory] = providers.Dependency()
    ids: providers.Dependency[IdGenerator] = providers.Dependency()
    clock: providers.Dependency[Clock] = providers.Dependency()
    audit: providers.Dependency[AuditRecorder] = providers.Dependency()
    permissions: providers.Dependency[PermissionChecker] = providers.Dependency()
    audit_entries: providers.Dependency[AuditRepository] = providers.Dependency()
    outbound: providers.Dependency[AllowListHolder] = providers.Dependency()

    setting_repository = providers.Singleton(SqlSettingRepository)
    settings_service = providers.Singleton(
        SystemSettingsService,
        uow=uow,
        settings=setting_repository,
        audit=audit,
        ids=ids,
        clock=clock,
        permissions=permissions,
        validators=providers.Dict({ALLOW_LIST_SETTING: providers.Object(AllowList.parse)}),
    )
    outbound_allow_list = providers.Singleton(
        OutboundAllowListSync, settings=settings_service, holder=outbound
    )
    outbound_allow_listener = providers.Singleton(
        Listener,
        topic=SettingChanged.topic,
        handler=outbound_allow_list.provided.on_setting_changed,
        on_gap=outbound_allow_list.provided.refresh,
    )
    # The admin console's reads of the audit log (AuditLog writes it for every context).
    audit_trail = providers.Singleton(AuditTrail, uow=uow, entries=audit_entries, permissions=permissions)
