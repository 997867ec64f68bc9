"""Object storage port: blobs addressed by key (uploads, knowledge documents, images, exports).

Adapters: a local directory (embedded default) and any S3 server through the MinIO SDK. Every
adapter validates keys with `object_key()` before touching its backend, so the rules below hold the
same way everywhere and no adapter can be tricked into leaving its root or bucket.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterable, AsyncIterator, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from domain.common.errors import DomainError, InvalidInput, NotFound, PermissionDenied, Unavailable

MAX_KEY_BYTES = 1024  # S3's own limit for a key
MAX_SEGMENT_BYTES = 250  # a file name (255 on common file systems) less the local adapter's marker
MIN_LINK_TTL = timedelta(seconds=1)
MAX_LINK_TTL = timedelta(days=7)  # the longest SigV4 allows, so both adapters share it
DEFAULT_CONTENT_TYPE = "application/octet-stream"

# `%` followed by two hex digits: some proxy or SDK on the way may decode it, so a key that
# looks harmless here could become `../` there. Keys never contain percent-escapes.
_PERCENT_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_CONTENT_TYPE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*(;[ -~]*)?$")

Body = bytes | AsyncIterable[bytes] | Iterable[bytes]
"""What `put` accepts: the whole object, or chunks from a stream (sync or async)."""


class StorageError(DomainError):
    message_key = "storage.error"


class InvalidObjectKey(InvalidInput):
    message_key = "storage.invalid_key"


class InvalidObjectRange(InvalidInput):
    message_key = "storage.invalid_range"


class InvalidLinkTtl(InvalidInput):
    message_key = "storage.invalid_link_ttl"


class InvalidContentType(InvalidInput):
    message_key = "storage.invalid_content_type"


class ObjectNotFound(NotFound):
    message_key = "storage.object_not_found"


class ObjectTooLarge(InvalidInput):
    message_key = "storage.object_too_large"


class LinkRefused(PermissionDenied):
    """A presigned link whose signature does not match, or that has expired."""

    message_key = "storage.link_refused"


class StorageUnavailable(StorageError, Unavailable):
    """The backend did not answer or refused our credentials; `reason` says which (never a secret)."""

    message_key = "storage.unavailable"


class LinkMethod(StrEnum):
    GET = "GET"
    PUT = "PUT"


@dataclass(frozen=True, slots=True)
class ObjectInfo:
    key: str
    size: int
    etag: str  # quotes stripped; the MD5 hex for single-part uploads
    content_type: str
    modified_at: datetime  # timezone-aware UTC


@dataclass(frozen=True, slots=True)
class ObjectPage:
    """One page of `list`: keys in byte order; pass `next_after` back to continue."""

    objects: list[ObjectInfo] = field(default_factory=list)
    next_after: str | None = None


def object_key(key: str) -> str:
    """The one place object keys are checked. Returns the key unchanged or raises InvalidObjectKey.

    A key is 1..1024 UTF-8 bytes of `/`-separated segments; no segment is empty, `.` or `..` or
    longer than 255 bytes; no control characters, backslashes or percent-escapes; no leading `/`.
    """
    if not isinstance(key, str) or not key:
        raise InvalidObjectKey(key="", reason="empty")
    _check_text(key)
    if key.startswith("/"):
        raise InvalidObjectKey(key=_shown(key), reason="absolute path")
    for segment in key.split("/"):
        if segment in ("", ".", ".."):
            raise InvalidObjectKey(key=_shown(key), reason="empty, '.' or '..' segment")
        if len(segment.encode()) > MAX_SEGMENT_BYTES:
            raise InvalidObjectKey(key=_shown(key), reason=f"segment over {MAX_SEGMENT_BYTES} bytes")
    return key


def key_prefix(prefix: str) -> str:
    """A listing prefix: empty, or a key's beginning (it may end in `/` or in a partial segment)."""
    if prefix == "":
        return prefix
    _check_text(prefix)
    head, _, last = prefix.rpartition("/")
    object_key(f"{head}/x" if head else "x")  # every complete segment must be a valid key segment
    if prefix.startswith("/") or last in (".", ".."):
        raise InvalidObjectKey(key=_shown(prefix), reason="not a key prefix")
    return prefix


def _check_text(key: str) -> None:
    if len(key.encode("utf-8", "surrogatepass")) > MAX_KEY_BYTES:
        raise InvalidObjectKey(key=_shown(key), reason=f"longer than {MAX_KEY_BYTES} bytes")
    if any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 or 0xD800 <= ord(ch) < 0xE000 for ch in key):
        raise InvalidObjectKey(key=_shown(key), reason="control character")
    if "\\" in key:
        raise InvalidObjectKey(key=_shown(key), reason="backslash")
    if _PERCENT_ESCAPE.search(key):
        raise InvalidObjectKey(key=_shown(key), reason="percent-escape")


def _shown(key: str) -> str:
    # Echo a bounded, printable form: the raw key may be huge or hold control characters.
    return repr(key[:80])


def content_type(value: str | None) -> str:
    """A MIME type for storing with the object (so a header can never be smuggled in)."""
    if value is None or value == "":
        return DEFAULT_CONTENT_TYPE
    if len(value) > 255 or not _CONTENT_TYPE.match(value):
        raise InvalidContentType(value=repr(value[:80]))
    return value


def link_ttl(ttl: timedelta) -> timedelta:
    if not MIN_LINK_TTL <= ttl <= MAX_LINK_TTL:
        raise InvalidLinkTtl(
            minimum=int(MIN_LINK_TTL.total_seconds()), maximum=int(MAX_LINK_TTL.total_seconds())
        )
    return ttl


def byte_range(offset: int, length: int | None) -> tuple[int, int | None]:
    if offset < 0 or (length is not None and length <= 0):
        raise InvalidObjectRange(offset=offset, length=length)
    return offset, length


class ObjectReader(Protocol):
    """An opened object (or a range of it): `info` describes the whole object, iterate for bytes."""

    @property
    def info(self) -> ObjectInfo: ...

    @property
    def offset(self) -> int: ...

    @property
    def length(self) -> int:
        """Bytes this reader yields."""
        ...

    def __aiter__(self) -> AsyncIterator[bytes]: ...

    async def aclose(self) -> None: ...


class ObjectStorage(Protocol):
    """Blobs by key. All methods validate the key first and raise the errors above."""

    name: str

    @property
    def adapter(self) -> str: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def check(self) -> tuple[bool, str]:
        """(ok, detail) for /readyz; never raises."""
        ...

    async def put(self, key: str, body: Body, *, content_type: str | None = None) -> ObjectInfo:
        """Store an object; large or streamed bodies go up in parts. A body that fails midway
        leaves no object behind (and an existing object under the key unchanged)."""
        ...

    async def get(self, key: str, *, offset: int = 0, length: int | None = None) -> bytes:
        """The whole object, or `length` bytes from `offset` (cut short at the end)."""
        ...

    async def open(self, key: str, *, offset: int = 0, length: int | None = None) -> ObjectReader:
        """Like `get` but streamed; raises ObjectNotFound before the first byte."""
        ...

    async def head(self, key: str) -> ObjectInfo: ...

    async def delete(self, key: str) -> None:
        """Remove the object; deleting a missing key is not an error (as in S3)."""
        ...

    async def list(self, prefix: str = "", *, after: str | None = None, limit: int = 1000) -> ObjectPage: ...

    async def presign(self, method: LinkMethod, key: str, ttl: timedelta) -> str:
        """An absolute URL anyone may use with `method` on this key until `ttl` has passed."""
        ...


class LinkSigner(Protocol):
    """Signs and checks the links the app serves itself (local storage's presigned URLs)."""

    def sign(self, method: LinkMethod, key: str, expires: int) -> str: ...

    def verify(self, method: LinkMethod, key: str, expires: int, signature: str) -> bool:
        """Constant-time comparison against the expected signature."""
        ...
