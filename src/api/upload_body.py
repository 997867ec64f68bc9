"""Reading one uploaded file out of a request body while it arrives, never holding it whole.

Upload routes are exempt from the app's `max_body_bytes` (`request_max_body_size=None`) and bound
the body here instead: a declared Content-Length over the file limit plus a small allowance for
the multipart framing is refused before a byte is read, and a body without one is cut off as soon
as it passes that size. The file's own bytes are bounded exactly by the upload service.
"""

from __future__ import annotations

import base64
import binascii
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from litestar import Request
from multipart import MultipartError, MultipartSegment, ParserLimitReached, PushMultipartParser

from domain.upload.errors import EmptyUpload, FileTooLarge, MalformedUpload, TooManyFiles

FILE_FIELD = "file"
MULTIPART_ALLOWANCE = 64 * 1024  # part headers, boundaries and small form fields besides the file
MAX_PARTS = 32
_END = object()


@dataclass(frozen=True, slots=True)
class FilePart:
    filename: str | None
    data: AsyncIterator[bytes]


async def multipart_file(request: Request[Any, Any, Any], max_file_bytes: int) -> FilePart:
    """The part named `file` of a multipart/form-data body. Its data iterator, once the part has
    ended, reads the rest of the body and raises TooManyFiles if another file follows, so a
    request with two files fails before the first is complete in storage."""
    content_type, options = request.content_type
    if content_type != "multipart/form-data":
        raise EmptyUpload(reason="send multipart/form-data with one part named file")
    boundary = options.get("boundary")
    if not boundary:
        raise MalformedUpload(reason="the multipart boundary is missing")
    budget = max_file_bytes + MULTIPART_ALLOWANCE
    declared = request.content_length
    if declared is not None and declared > budget:
        raise FileTooLarge(limit=max_file_bytes)
    parts = _Parts(_bounded(request.stream(), budget, max_file_bytes), boundary)
    segment = await parts.find_file()
    return FilePart(segment.filename, parts.file_data())


async def json_body(request: Request[Any, Any, Any], max_file_bytes: int) -> bytes:
    """A JSON body holding a base64 file, bounded by the app's body limit (JSON is parsed whole)."""
    app_limit = request.app.request_max_body_size
    limit = app_limit if isinstance(app_limit, int) else max_file_bytes
    declared = request.content_length
    if declared is not None and declared > limit:
        raise FileTooLarge(limit=min(max_file_bytes, limit * 3 // 4))
    raw = bytearray()
    async for chunk in _bounded(request.stream(), limit, min(max_file_bytes, limit * 3 // 4)):
        raw += chunk
    return bytes(raw)


def base64_file(data: str) -> bytes:
    """Decode a base64 file, also given as a data URL (`data:image/png;base64,...`)."""
    if data.startswith("data:"):
        data = data.partition(",")[2]
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise MalformedUpload(reason="data is not base64") from None


async def _bounded(stream: AsyncIterator[bytes], budget: int, file_limit: int) -> AsyncIterator[bytes]:
    received = 0
    async for chunk in stream:
        received += len(chunk)
        if received > budget:
            raise FileTooLarge(limit=file_limit)
        yield chunk


class _Parts:
    """Pull-style events over a push parser: segments (headers), data chunks, None at part ends."""

    def __init__(self, body: AsyncIterator[bytes], boundary: str) -> None:
        try:
            self._parser = PushMultipartParser(boundary, max_segment_count=MAX_PARTS)
        except MultipartError:
            raise MalformedUpload(reason="invalid multipart boundary") from None
        self._body = body
        self._events: deque[Any] = deque()

    async def _next(self) -> Any:
        while not self._events:
            if self._parser.closed:
                return _END
            chunk = await anext(self._body, b"")
            try:
                self._events.extend(self._parser.parse(chunk))  # b"" closes: a cut-off body raises
            except ParserLimitReached:
                raise MalformedUpload(reason=f"more than {MAX_PARTS} parts or an oversized header") from None
            except MultipartError as exc:
                raise MalformedUpload(reason=str(exc)[:120]) from None
        return self._events.popleft()

    async def find_file(self) -> MultipartSegment:
        other_files = 0
        while (event := await self._next()) is not _END:
            if not isinstance(event, MultipartSegment):
                continue  # data of a form field, or the end of one: not ours
            if event.name == FILE_FIELD:
                if other_files:
                    raise TooManyFiles()
                return event
            if event.filename is not None:
                other_files += 1
        raise EmptyUpload(reason="the request has no part named file")

    async def file_data(self) -> AsyncIterator[bytes]:
        while (event := await self._next()) is not None:
            if event is _END:  # pragma: no cover - the parser raises on a body cut off mid-part
                raise MalformedUpload(reason="the body ended inside the file")
            yield bytes(event)
        while (event := await self._next()) is not _END:
            if isinstance(event, MultipartSegment) and (
                event.name == FILE_FIELD or event.filename is not None
            ):
                raise TooManyFiles()
