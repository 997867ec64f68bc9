"""The SPA's API (/api/...): routes land here context by context."""

from litestar.types import ControllerRouterHandler

from api.web import models, passport, spaces, tokens

ROUTES: list[ControllerRouterHandler] = [*passport.ROUTES, *spaces.ROUTES, *tokens.ROUTES, *models.ROUTES]
