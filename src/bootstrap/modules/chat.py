"""Chats: runs of an agent over a conversation (Coze's /v3/chat*, the SPA's chat routes)."""

from api.openapi import chat as openapi_chat
from api.web import chat as web_chat
from bootstrap.modules.base import ContextModule, Routes

MODULE = ContextModule(
    name="chat",
    routes=Routes(token_api=openapi_chat.ROUTES, web=web_chat.ROUTES),
    dependencies=lambda c: {"chats": c.chat.service},
    # Started last, stopped first: it fails running chats while the database and the run streams
    # are still there to record it.
    resources=lambda c: [c.chat.runner()],
)
