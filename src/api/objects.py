"""GET/PUT /objects/{key}?expires=..&signature=..: the presigned links of local object storage.

These routes are public on purpose: the signature is the credential, as with S3's own links.
Responses are raw bytes (not envelopes) so any HTTP client or browser can use the link.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from litestar import Request, Response, get, put
from litestar.background_tasks import BackgroundTask
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Stream
from litestar.status_codes import (
    HTTP_200_OK,
    HTTP_206_PARTIAL_CONTENT,
    HTTP_416_REQUESTED_RANGE_NOT_SATISFIABLE,
)

from application.common.objects import ObjectLinks
from domain.common.storage import InvalidObjectRange, ObjectInfo

OBJECTS_PATH = "/objects"

Links = NamedDependency[ObjectLinks]
Key = FromPath[str]
Expires = Annotated[str, QueryParameter(max_length=32)]
Signature = Annotated[str, QueryParameter(max_length=128)]

# One range, `bytes=first-` or `bytes=first-last`; anything else is ignored and the whole object
# sent, which HTTP allows.
_RANGE = re.compile(r"^bytes=(\d{1,19})-(\d{0,19})$")


def _requested_range(header: str | None) -> tuple[int, int | None] | None:
    match = _RANGE.match((header or "").strip())
    if match is None:
        return None
    first = int(match.group(1))
    if not match.group(2):
        return first, None
    last = int(match.group(2))
    return (first, last - first + 1) if last >= first else None


def _describe(info: ObjectInfo) -> dict[str, str]:
    return {
        "etag": f'"{info.etag}"',
        "last-modified": info.modified_at.strftime("%a, %d %b %Y %H:%M:%S GMT"),
        "accept-ranges": "bytes",  # also tells the gzip layer to leave these bytes alone
        "cache-control": "private, no-store",
    }


@get(f"{OBJECTS_PATH}/{{key:path}}", opt={"public": True}, include_in_schema=False)
async def download_object(
    request: Request[Any, Any, Any],
    key: Key,
    object_links: Links,
    expires: Expires = "",
    signature: Signature = "",
) -> Response[Any]:
    wanted = _requested_range(request.headers.get("range"))
    offset, length = wanted if wanted else (0, None)
    try:
        reader = await object_links.open(
            key.removeprefix("/"), expires, signature, offset=offset, length=length
        )
    except InvalidObjectRange:
        return Response(b"", status_code=HTTP_416_REQUESTED_RANGE_NOT_SATISFIABLE)
    info = reader.info
    headers = {**_describe(info), "content-length": str(reader.length)}
    status = HTTP_200_OK
    if wanted is not None:
        status = HTTP_206_PARTIAL_CONTENT
        headers["content-range"] = f"bytes {reader.offset}-{reader.offset + reader.length - 1}/{info.size}"
    return Stream(
        reader,
        status_code=status,
        media_type=info.content_type,
        headers=headers,
        background=BackgroundTask(reader.aclose),  # also when the client leaves before the end
    )


@put(
    f"{OBJECTS_PATH}/{{key:path}}",
    opt={"public": True, "csrf": False},  # the signature is the credential, not a cookie
    include_in_schema=False,
    status_code=HTTP_200_OK,
    request_max_body_size=None,  # ObjectLinks enforces the storage limit while streaming
)
async def upload_object(
    request: Request[Any, Any, Any],
    key: Key,
    object_links: Links,
    expires: Expires = "",
    signature: Signature = "",
) -> Response[bytes]:
    info = await object_links.upload(
        key.removeprefix("/"), expires, signature, request.stream(), request.headers.get("content-type")
    )
    return Response(b"", headers={"etag": f'"{info.etag}"'}, media_type="application/octet-stream")


ROUTES = [download_object, upload_object]
