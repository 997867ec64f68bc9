"""A document's bytes as the caller handed them in, read the same way for adding and for the
segmentation preview: pasted text, bytes sent with the request, or one of the caller's uploads."""

from __future__ import annotations

from application.knowledge.inputs import MAX_TEXT_CHARS, FileInput, UploadInput, file_type_of
from crossdomain.upload import UploadedFiles
from domain.common.storage import ObjectStorage
from domain.knowledge.errors import InvalidKnowledgeRequest
from domain.knowledge.parsed import ParseLimits


def pasted_text(text: str, name: str) -> tuple[bytes, str]:
    """The text's bytes and type: plain unless `name` says markdown (then its headings count)."""
    if not text.strip() or len(text) > MAX_TEXT_CHARS:
        raise InvalidKnowledgeRequest(detail=f"text must be 1..{MAX_TEXT_CHARS} characters")
    return text.encode(), "md" if file_type_of(name) in ("md", "markdown") else "txt"


async def file_bytes(
    files: UploadedFiles,
    storage: ObjectStorage,
    limits: ParseLimits,
    user_id: int,
    given: FileInput | UploadInput,
) -> tuple[bytes, str]:
    """The bytes and name of a file; an upload must be `user_id`'s own and within the size limit
    (checked before its bytes are read)."""
    if isinstance(given, FileInput):
        return given.data, given.name
    upload = await files.get(given.file_id, user_id)
    if upload is None:
        raise InvalidKnowledgeRequest(detail=f"file {given.file_id} is not one of your uploads")
    if upload.size > limits.max_bytes:
        raise InvalidKnowledgeRequest(detail=f"{upload.name}: the file is over the size limit")
    return await storage.get(upload.object_key), given.name or upload.name
