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


def error_event(exc: BaseException, name: str = "error") -> bytes:
    """A failure after the response started: {code, msg} as the API would have answered."""
    if isinstance(exc, DomainError):
        code, text = spec_for_domain(exc).code, message(exc.message_key, "en-US", exc.params)
    else:
        log.error("sse_stream_failed", exc_info=exc)
        code, text = 5000, message("error.internal", "en-US")
    return event(name, json_line({"code": code, "msg": text}))


def sse_response(chunks: AsyncIterator[bytes]) -> Stream:
    return Stream(chunks, media_type=MEDIA_TYPE, headers=HEADERS)


Encoder = Callable[[RunEvent], bytes | None]


async def relay(events: AsyncIterator[RunEvent], encode: Encoder, done: bytes) -> AsyncIterator[bytes]:
    """Encode run events until the segment's `done`, then end the body; a failure of the stream
    itself (not of the chat: that is an event) becomes an error event."""
    try:
        async for item in events:
            if item.kind == "done":
                yield done
                return
            chunk = encode(item)
            if chunk is not None:
                yield chunk
    except Exception as exc:
        yield error_event(exc)
