"""Coze-compatible token API (/v1, /v3, /open_api)."""

from litestar.types import ControllerRouterHandler

from api.openapi import bots, chat, conversations, files, identity, messages

ROUTES: list[ControllerRouterHandler] = [
    *identity.ROUTES,
    *bots.ROUTES,
    *files.ROUTES,
    *conversations.ROUTES,
    *messages.ROUTES,
    *chat.ROUTES,
]
