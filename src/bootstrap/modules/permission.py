"""Roles, grants and the permission checker every context asks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dependency_injector import providers

from api import permission_errors
from api.web import permission, permission_users
from bootstrap.containers.permission import PermissionContainer
from bootstrap.modules.base import ContextModule, Kernel, Routes, wire
from crossdomain.permission import PermissionChecker

if TYPE_CHECKING:
    from bootstrap.container import Container


def _containers(c: Container, kernel: Kernel) -> dict[str, providers.Container[Any]]:
    return {
        "permission": wire(
            PermissionContainer,
            kernel,
            cache_max_age_s=c.settings.provided.permission_cache_max_age_s,
            cache_size=c.settings.provided.permission_cache_size,
        )
    }


MODULE = ContextModule(
    name="permission",
    borrows=("identity",),
    messages=permission_errors.MESSAGES,
    routes=Routes(web=[*permission.ROUTES, *permission_users.ROUTES]),
    dependencies=lambda c: {
        "roles": c.permission.role_service,
        "grants": c.permission.grant_service,
    },
    listeners=lambda c: [c.permission.policy_listener],
    crossdomain=lambda c: {PermissionChecker: c.permission.checker},
    containers=_containers,
    kernel=lambda c: {"permissions": c.permission.checker},
)
