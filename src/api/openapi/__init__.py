"""Coze-compatible token API (/v1, /v3, /open_api)."""

from litestar.types import ControllerRouterHandler

from api.openapi import conversations, identity, messages

ROUTES: list[ControllerRouterHandler] = [*identity.ROUTES, *conversations.ROUTES, *messages.ROUTES]
