"""Request targets in canonical form only, refused before routing otherwise (docs/adr/0005 §Paths).

The router forgives (it folds `//` and a trailing slash), the guards must not have to: when two
spellings of a path can reach one handler, a rule keyed on the spelling can be walked around. So
the target is checked once, here, from the bytes the client sent, and anything that is not the one
canonical spelling is refused with 400 / 4000 before the router or a guard sees it: empty or dot
segments, `;` parameters, backslashes, control characters, percent-encoded slashes, dots,
backslashes, percent signs, control characters and unreserved characters (RFC 3986 §6.2.2.2 says
producers never encode those), and case variants of the platform's own prefixes. A single trailing
slash stays: Coze Studio's own routes are written with one.
"""

from __future__ import annotations

import re

import orjson
from litestar.enums import ScopeType
from litestar.types import ASGIApp, HTTPResponseStartEvent, Receive, Scope, Send

from api.context import current_log_id, new_log_id
from api.i18n import message, negotiate

# Escapes whose decoded byte changes what the path means or is never legitimately encoded.
_ESCAPE = re.compile(rb"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
_NEVER_ENCODED = _UNRESERVED | frozenset(b"/\\.%;") | frozenset(range(0x20)) | {0x7F}
_RAW_FORBIDDEN = frozenset(b"\\;") | frozenset(range(0x20)) | {0x7F}
# Anything that may make a target non-canonical; a target with none of it needs no closer look.
_SUSPECT = re.compile(rb"[\x00-\x1f\x7f\\;%]|//|/\.")


def non_canonical(raw: bytes, prefixes: frozenset[str] = frozenset()) -> str | None:
    """Why `raw` (the path as sent, without the query) is not canonical, or None when it is.

    `prefixes` are the first segments of the app's routes (lower-case): a case variant of one is
    refused, so the case-sensitive router and anything comparing prefixes loosely cannot disagree.
    """
    if not raw.startswith(b"/"):
        return "must start with /"
    if _SUSPECT.search(raw) is not None:  # the common case skips this: one scan, then the prefix
        if any(byte in _RAW_FORBIDDEN for byte in raw):
            return "forbidden character"
        if b"%" in _ESCAPE.sub(b"", raw) or any(
            int(e.group(1), 16) in _NEVER_ENCODED for e in _ESCAPE.finditer(raw)
        ):
            return "malformed, needless or meaning-changing percent-encoding"
        segments = raw[1:].split(b"/")
        inner = segments[:-1] if len(segments) > 1 and segments[-1] == b"" else segments
        if raw != b"/" and any(s in (b"", b".", b"..") for s in inner):
            return "empty or dot segment"
    first = raw[1:].split(b"/", 1)[0].decode("latin-1")
    if first not in prefixes and first.lower() in prefixes:
        return "case variant of a prefix"
    return None


class CanonicalPathMiddleware:
    """Refuses non-canonical targets with the API's error envelope (400, code 4000)."""

    def __init__(self, app: ASGIApp, prefixes: frozenset[str], default_locale: str = "en-US") -> None:
        self.app = app
        self._prefixes = prefixes
        self._default_locale = default_locale

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP:
            # The bytes as sent; a server that fills only the decoded `path` is checked on that.
            raw = scope.get("raw_path") or scope["path"].encode("utf-8", "surrogateescape")
            if non_canonical(raw, self._prefixes) is not None:
                await self._refuse(scope, send)
                return
        await self.app(scope, receive, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        accept = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"accept-language"), None)
        log_id = current_log_id.get() or new_log_id()
        body = orjson.dumps(
            {
                "code": 4000,
                "msg": message("error.non_canonical_path", negotiate(accept, self._default_locale)),
                "data": None,
                "detail": {"logid": log_id},
            }
        )
        start: HTTPResponseStartEvent = {
            "type": "http.response.start",
            "status": 400,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
        await send(start)
        await send({"type": "http.response.body", "body": body, "more_body": False})
