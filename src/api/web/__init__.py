"""The SPA's API (/api/...): routes land here context by context."""

from litestar.types import ControllerRouterHandler

from api.web import passport, permission, permission_users, spaces, tokens

ROUTES: list[ControllerRouterHandler] = [
    *passport.ROUTES,
    *spaces.ROUTES,
    *tokens.ROUTES,
    *permission.ROUTES,
    *permission_users.ROUTES,
]
