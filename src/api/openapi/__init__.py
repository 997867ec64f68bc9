"""Coze-compatible token API (/v1, /v3, /open_api)."""

from litestar.types import ControllerRouterHandler

from api.openapi import bots, identity

ROUTES: list[ControllerRouterHandler] = [*identity.ROUTES, *bots.ROUTES]
