"""Access a route declares, read by the permission position from the matched route handler.

The admin surface (`/api/admin/...`) needs the admin console right as a whole; routes elsewhere that
only some may use (the organisation tree's management, the permission console) declare the right
they need here, next to the route list, so the chain refuses callers before a body is read or a
handler runs. The application services check the same right again (a second line, not the only one).
"""

from __future__ import annotations

from typing import Any, TypeVar

from litestar.handlers import HTTPRouteHandler

from application.common.admin import ADMIN_CONSOLE
from crossdomain.permission import Action, Resource

REQUIRES = "requires"
H = TypeVar("H", bound=HTTPRouteHandler)

ADMIN_SURFACE_RIGHT = (ADMIN_CONSOLE, Action.MANAGE)


def requires(resource: Resource, action: Action, *handlers: H) -> list[H]:
    """Mark each handler as needing `action` on `resource` (a platform-wide one); returns them for ROUTES."""
    if resource.space_id is not None:
        raise ValueError("a route declares platform rights only; space rights need the resource")
    for handler in handlers:
        handler.opt[REQUIRES] = (resource, Action(action))
    return list(handlers)


def declared_right(handler: Any) -> tuple[Resource, Action] | None:
    right: tuple[Resource, Action] | None = handler.opt.get(REQUIRES) if handler is not None else None
    return right or None
