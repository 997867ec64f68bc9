"""System settings and the audit trail (the admin console's settings and audit pages)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dependency_injector import providers

from api import system_errors
from api.admin.audit import list_audit
from api.admin.settings import SettingsController
from bootstrap.containers.system import SystemContainer
from bootstrap.modules.base import ContextModule, Kernel, Routes, wire
from crossdomain.audit import AuditRecorder
from crossdomain.settings import SettingsReader

if TYPE_CHECKING:
    from bootstrap.container import Container


def _containers(c: Container, kernel: Kernel) -> dict[str, providers.Container[Any]]:
    return {"system": wire(SystemContainer, kernel, audit_entries=c.audit.entries, outbound=c.outbound)}


MODULE = ContextModule(
    name="system",
    messages=system_errors.MESSAGES,
    routes=Routes(admin=[SettingsController, list_audit]),
    dependencies=lambda c: {
        "settings_service": c.system.settings_service,
        "audit": c.system.audit_trail,
    },
    listeners=lambda c: [c.system.outbound_allow_listener],
    resources=lambda c: [c.system.outbound_allow_list()],
    crossdomain=lambda c: {AuditRecorder: c.audit.audit_log, SettingsReader: c.system.settings_service},
    containers=_containers,
)
