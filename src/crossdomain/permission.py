"""The one question every context asks the permission context: may this caller do this here?"""

from __future__ import annotations

from typing import Protocol

GLOBAL_DOMAIN = "global"


class Principal(Protocol):
    """Who asks: an application Actor satisfies this."""

    @property
    def user_id(self) -> int: ...

    @property
    def is_superuser(self) -> bool: ...


class PermissionChecker(Protocol):
    """Role-based rights in a domain ('global' or 'space:<id>') on an object ('agent:42', 'agent:*').

    Rights come from explicit grants of custom roles, from the superuser flag (super_admin) and from
    space membership (space_owner / space_admin / space_member). Deny wins over allow. Token scopes
    and resource visibility (404 for other spaces) stay with the caller.
    """

    async def check(self, actor: Principal, domain: str, obj: str, act: str) -> bool: ...

    async def require(self, actor: Principal, domain: str, obj: str, act: str) -> None:
        """Like check, raising domain.common.errors.PermissionDenied (API code 4101) when refused."""
        ...


def space_domain(space_id: int) -> str:
    return f"space:{space_id}"
