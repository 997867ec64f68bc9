"""The right to use the admin console (accounts, platform settings), asked of the PermissionChecker.

`admin` is a system resource outside the catalogue custom roles draw from, so only super_admin's
wildcard reaches it; asking the checker (rather than reading the superuser flag) keeps one place
deciding who holds which right.
"""

from __future__ import annotations

from application.common.actor import Actor
from crossdomain.permission import Action, PermissionChecker, Resource, ResourceKind

ADMIN_CONSOLE = Resource.platform(ResourceKind.ADMIN)


async def require_platform_admin(permissions: PermissionChecker, actor: Actor) -> None:
    """Raise PermissionDenied (API 403/4101) unless the caller may manage the platform."""
    await permissions.require(actor, ADMIN_CONSOLE, Action.MANAGE)
