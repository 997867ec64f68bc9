"""Roles, grants and the permission checker every context asks."""

from api.web import permission, permission_users
from bootstrap.modules.base import ContextModule, Routes
from crossdomain.permission import PermissionChecker

MODULE = ContextModule(
    name="permission",
    routes=Routes(web=[*permission.ROUTES, *permission_users.ROUTES]),
    dependencies=lambda c: {
        "roles": c.permission.role_service,
        "grants": c.permission.grant_service,
    },
    listeners=lambda c: [c.permission.policy_listener],
    crossdomain=lambda c: {PermissionChecker: c.permission.checker},
)
