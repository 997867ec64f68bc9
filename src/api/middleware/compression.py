"""Gzip for ordinary responses. Event streams go out uncompressed so each event flushes, and so do
responses that offer byte ranges (stored objects), whose offsets and lengths must stay exact."""

from __future__ import annotations

from collections.abc import Iterable

from litestar.config.compression import CompressionConfig
from litestar.enums import ScopeType
from litestar.middleware.compression import CompressionMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send


class StreamAwareCompression:
    def __init__(self, app: ASGIApp, minimum_size: int) -> None:
        self.app = app
        self._inner = CompressionMiddleware(
            app=app, config=CompressionConfig(backend="gzip", minimum_size=minimum_size)
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or b"gzip" not in _accept_encoding(scope):
            await self.app(scope, receive, send)
            return
        compressing = self._inner.create_compression_send_wrapper(send, "gzip", scope)
        target = None

        async def choose(message: Message) -> None:
            nonlocal target
            if target is None and message["type"] == "http.response.start":
                target = send if _is_event_stream(message) or _is_ranged(message) else compressing
            await (target or send)(message)

        await self.app(scope, receive, choose)


def _accept_encoding(scope: Scope) -> bytes:
    for name, value in scope["headers"]:
        if name == b"accept-encoding":
            return value
    return b""


def _is_event_stream(message: Message) -> bool:
    headers: Iterable[tuple[bytes, bytes]] = message.get("headers") or ()  # type: ignore[assignment]
    for name, value in headers:
        if name.lower() == b"content-type":
            return bytes(value).startswith(b"text/event-stream")
    return False


def _is_ranged(message: Message) -> bool:
    headers: Iterable[tuple[bytes, bytes]] = message.get("headers") or ()  # type: ignore[assignment]
    return any(name.lower() == b"accept-ranges" for name, _ in headers)
