"""Coze-compatible token API (/v1, /v3, /open_api)."""

from litestar.types import ControllerRouterHandler

from api.openapi import bots, files, identity

ROUTES: list[ControllerRouterHandler] = [*identity.ROUTES, *bots.ROUTES, *files.ROUTES]
