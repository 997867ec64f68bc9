"""Coze-compatible token API (/v1, /v3, /open_api): routes land here with the agent and chat issues."""

from litestar.types import ControllerRouterHandler

ROUTES: list[ControllerRouterHandler] = []
