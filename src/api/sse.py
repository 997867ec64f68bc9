"""Server-sent events as Coze clients parse them: exactly one `event:` and one `data:` line per
event, a blank line after it, nothing else (no ids, comments or retry hints), and the body closed
right after the terminal event.

cozepy reads lines with httpx, which splits on every character `str.splitlines` treats as a line
break. orjson escapes the ASCII ones inside strings but writes U+0085, U+2028 and U+2029 raw, so
those are escaped here: one event always stays on one line.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import orjson
import structlog
from litestar.response import Stream

from api.errors import spec_for_domain
from api.i18n import message
from domain.common.errors import DomainError
from domain.common.runstream import RunEvent

log = structlog.get_logger("cozeplus.sse")

MEDIA_TYPE = "text/event-stream"
HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
_LINE_BREAKS = ((b"\xc2\x85", b"\\u0085"), (b"\xe2\x80\xa8", b"\\u2028"), (b"\xe2\x80\xa9", b"\\u2029"))


def json_line(value: Any) -> bytes:
    body = orjson.dumps(value)
    if not body.isascii():
        for raw, escaped in _LINE_BREAKS:
            if raw in body:
                body = body.replace(raw, escaped)
    return body


def event(kind: str, data: bytes) -> bytes:
    return b"event:" + kind.encode() + b"\ndata:" + data + b"\n\n"


def failure(exc: BaseException) -> tuple[int, str]:
    """The code and words of a failure after the response started, as the API would answer."""
    if isinstance(exc, DomainError):
        return spec_for_domain(exc).code, message(exc.message_key, "en-US", exc.params)
    log.error("sse_stream_failed", exc_info=exc)
    return 5000, message("error.internal", "en-US")


def error_event(code: int, text: str) -> bytes:
    return event("error", json_line({"code": code, "msg": text}))


def sse_response(chunks: AsyncIterator[bytes]) -> Stream:
    return Stream(chunks, media_type=MEDIA_TYPE, headers=HEADERS)


Encoder = Callable[[RunEvent], bytes | None]
Failed = Callable[[int, str], bytes]


async def relay(
    events: AsyncIterator[RunEvent], encode: Encoder, done: bytes, failed: Failed
) -> AsyncIterator[bytes]:
    """Encode run events until the segment's `done`, then end the body. The reader ends every
    stream well-formed by itself (follow.py); should it raise anyway (the database down too), the
    surface's own failure event and `done` still end the body, never silence."""
    try:
        async for item in events:
            if item.kind == "done":
                yield done
                return
            chunk = encode(item)
            if chunk is not None:
                yield chunk
    except Exception as exc:
        yield failed(*failure(exc))
        yield done
