"""System settings and the audit trail (the admin console's settings and audit pages)."""

from api.admin.audit import list_audit
from api.admin.settings import SettingsController
from bootstrap.modules.base import ContextModule, Routes
from crossdomain.audit import AuditRecorder
from crossdomain.settings import SettingsReader

MODULE = ContextModule(
    name="system",
    routes=Routes(admin=[SettingsController, list_audit]),
    dependencies=lambda c: {
        "settings_service": c.system.settings_service,
        "audit": c.system.audit_trail,
    },
    crossdomain=lambda c: {AuditRecorder: c.audit.audit_log, SettingsReader: c.system.settings_service},
)
