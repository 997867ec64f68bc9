"""The SPA's API (/api/...): routes land here context by context."""

from litestar.types import ControllerRouterHandler

from api.web import (
    chat,
    conversation,
    corporation,
    draftbot,
    files,
    models,
    passport,
    permission,
    permission_users,
    spaces,
    tokens,
)

ROUTES: list[ControllerRouterHandler] = [
    *passport.ROUTES,
    *spaces.ROUTES,
    *tokens.ROUTES,
    *corporation.ROUTES,
    *permission.ROUTES,
    *permission_users.ROUTES,
    *models.ROUTES,
    *draftbot.ROUTES,
    *files.ROUTES,
    *conversation.ROUTES,
    *chat.ROUTES,
]
