"""Token API: `files.upload` and `files.retrieve` in cozepy 0.20.0's shapes.

Both need the `file:upload` scope when the token names scopes: reading back what one uploaded is
part of the same grant (docs/adr/0022). Another user's file id answers 4200, as an unknown one.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.di import NamedDependency

from api.envelope import Envelope
from api.schemas import QueryId, id_str, parse_id
from api.security.identity import CurrentActor
from api.upload_body import multipart_file
from api.upload_docs import MultipartUpload
from application.common.actor import require_scope
from application.upload.service import FileDTO, UploadService
from domain.openauth.values import Scope

Uploads = NamedDependency[UploadService]


class CozeFile(msgspec.Struct):
    id: str
    bytes: int
    created_at: int  # Unix seconds
    file_name: str

    @classmethod
    def of(cls, f: FileDTO) -> CozeFile:
        return cls(id_str(f.id), f.size, int(f.created_at.timestamp()), f.name)


class FileResponse(Envelope, kw_only=True):
    data: CozeFile


@post(
    "/v1/files/upload",
    status_code=200,
    request_max_body_size=None,
    tags=["files"],
    operation_class=MultipartUpload,
)
async def upload_file(request: Request[Any, Any, Any], actor: CurrentActor, uploads: Uploads) -> FileResponse:
    """multipart/form-data with exactly one part named `file`; its type is detected from the bytes."""
    require_scope(actor, Scope.FILE_UPLOAD)  # before a byte of the body is read
    part = await multipart_file(request, uploads.max_bytes)
    return FileResponse(data=CozeFile.of(await uploads.upload(actor, part.filename, part.data)))


@get("/v1/files/retrieve", tags=["files"])
async def retrieve_file(actor: CurrentActor, uploads: Uploads, file_id: QueryId = None) -> FileResponse:
    return FileResponse(data=CozeFile.of(await uploads.retrieve(actor, parse_id(file_id or ""))))


ROUTES = [upload_file, retrieve_file]
