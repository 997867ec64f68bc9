"""Access a route declares, read by the permission position from the matched route handler.

The admin surface (`/api/admin/...`) needs the admin console right as a whole; routes elsewhere that
only some may use (the organisation tree's management, the permission console) declare the right
they need here, next to the route list, so the chain refuses callers before a body is read or a
handler runs. The application services check the same right again (a second line, not the only one).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from litestar.handlers import HTTPRouteHandler

from application.common.admin import ADMIN_CONSOLE

REQUIRES = "requires"
H = TypeVar("H", bound=HTTPRouteHandler)

ADMIN_SURFACE_RIGHT = (ADMIN_CONSOLE, "manage")


def requires(obj: str, act: str, *handlers: H) -> list[H]:
    """Mark each handler as needing `act` on `obj` in the global domain; returns them for ROUTES."""
    for handler in handlers:
        handler.opt[REQUIRES] = (obj, act)
    return list(handlers)


def declared_right(handler: Any) -> tuple[str, str] | None:
    right: Sequence[str] | None = handler.opt.get(REQUIRES) if handler is not None else None
    return (right[0], right[1]) if right else None
