"""The SPA's API (/api/...): routes land here context by context."""

from litestar.types import ControllerRouterHandler

ROUTES: list[ControllerRouterHandler] = []
