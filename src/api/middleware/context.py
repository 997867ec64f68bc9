"""Outermost layer: assigns the log id, classifies the request (inspector) and sets the headers."""

from __future__ import annotations

import time
from typing import Any

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from api.context import SCOPE_KEY, RequestContext, classify, current_log_id, new_log_id


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        log_id = new_log_id()
        token = current_log_id.set(log_id)
        ctx = RequestContext(log_id=log_id, surface=classify(scope["path"]), started=time.perf_counter())
        scope[SCOPE_KEY] = ctx  # type: ignore[literal-required]
        header_value = log_id.encode()

        async def send_with_log_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[Any] = list(message.get("headers") or [])
                headers.append((b"x-log-id", header_value))
                headers.append((b"x-tt-logid", header_value))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_log_id)
        finally:
            current_log_id.reset(token)
