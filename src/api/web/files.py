"""The SPA's upload: Coze Studio's POST /api/bot/upload_file, through the same service as the token API.

Two bodies are accepted: Coze Studio's JSON, `{"file_head": {"file_type": "png", "biz_type": 1},
"data": "<base64>"}` (bounded by the app's body limit, as JSON is read whole), and multipart/form-data
with one part named `file` (streamed, up to the upload limit). `upload_uri` is the file's id, which
is what other routes take to refer to an upload (an agent's icon, a chat attachment); `upload_url`
is a signed link that expires (docs/adr/0022).
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, post
from litestar.di import NamedDependency

from api.envelope import Envelope
from api.schemas import id_str
from api.security.identity import CurrentActor
from api.upload_body import base64_file, json_body, multipart_file
from api.upload_docs import SpaUpload
from application.common.actor import require_scope
from application.upload.service import UploadService
from domain.openauth.values import Scope
from domain.upload.errors import MalformedUpload

Uploads = NamedDependency[UploadService]


class FileHead(msgspec.Struct, forbid_unknown_fields=True):
    file_type: str = ""  # the extension, without the dot
    biz_type: int = 0  # Coze Studio's purpose code (icon, dataset, ...); recorded nowhere yet


class UploadFileRequest(msgspec.Struct, forbid_unknown_fields=True):
    data: str
    file_head: FileHead = msgspec.field(default_factory=FileHead)


class UploadFileData(msgspec.Struct):
    upload_uri: str
    upload_url: str
    file_name: str
    content_type: str
    bytes: int


class UploadFileResponse(Envelope, kw_only=True):
    data: UploadFileData


@post(
    "/api/bot/upload_file",
    status_code=200,
    request_max_body_size=None,
    tags=["files"],
    operation_class=SpaUpload,
)
async def upload_file(
    request: Request[Any, Any, Any], actor: CurrentActor, uploads: Uploads
) -> UploadFileResponse:
    """Coze Studio's JSON body with base64 `data`, or multipart/form-data with one part `file`."""
    require_scope(actor, Scope.FILE_UPLOAD)
    if request.content_type[0] == "application/json":
        raw = await json_body(request, uploads.max_bytes)
        try:
            body = msgspec.json.decode(raw, type=UploadFileRequest)
        except msgspec.DecodeError as exc:
            raise MalformedUpload(reason=str(exc)[:120]) from None
        name = f"upload.{body.file_head.file_type}" if body.file_head.file_type else "upload"
        uploaded = await uploads.upload(actor, name, base64_file(body.data))
    else:
        part = await multipart_file(request, uploads.max_bytes)
        uploaded = await uploads.upload(actor, part.filename, part.data)
    return UploadFileResponse(
        data=UploadFileData(
            upload_uri=id_str(uploaded.id),
            upload_url=uploaded.url,
            file_name=uploaded.name,
            content_type=uploaded.content_type,
            bytes=uploaded.size,
        )
    )


ROUTES = [upload_file]
