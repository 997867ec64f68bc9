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
        self.minimum_size = minimum_size
        self._inner = CompressionMiddleware(
            app=app, config=CompressionConfig(backend="gzip", minimum_size=minimum_size)
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # HEAD answers carry no content, so there is nothing to compress (and gzip would misstate the length).
        if (
            scope["type"] != ScopeType.HTTP
            or scope["method"] == "HEAD"
            or b"gzip" not in _accept_encoding(scope)
        ):
            await self.app(scope, receive, send)
            return
        target: Send | None = None

        async def choose(message: Message) -> None:
            nonlocal target
            if target is None and message["type"] == "http.response.start":
                # The gzip stream is built only when it can pay off: setting it up costs more than
                # sending a small JSON body, and most API answers are below the minimum size.
                if (
                    _is_event_stream(message)
                    or _header(message, b"accept-ranges") is not None
                    or _declared_length_below(message, self.minimum_size)
                ):
                    target = send
                else:
                    target = self._inner.create_compression_send_wrapper(send, "gzip", scope)
            await (target or send)(message)

        await self.app(scope, receive, choose)


def _accept_encoding(scope: Scope) -> bytes:
    for name, value in scope["headers"]:
        if name == b"accept-encoding":
            return value
    return b""


def _header(message: Message, wanted: bytes) -> bytes | None:
    headers: Iterable[tuple[bytes, bytes]] = message.get("headers") or ()  # type: ignore[assignment]
    for name, value in headers:
        if name.lower() == wanted:
            return bytes(value)
    return None


def _is_event_stream(message: Message) -> bool:
    content_type = _header(message, b"content-type")
    return content_type is not None and content_type.startswith(b"text/event-stream")


def _declared_length_below(message: Message, minimum_size: int) -> bool:
    """True when the response says it is smaller than what is worth compressing."""
    length = _header(message, b"content-length")
    if length is None:
        return False
    try:
        return int(length) < minimum_size
    except ValueError:
        return False
