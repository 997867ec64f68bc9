"""Reading what a caller hands in (file, upload, text, web page) into bytes: adding a document uses
`pasted_text` and `file_bytes`; the segmentation review and the table schema check read the whole
source with `SourceReader`, with the same checks, storing nothing."""

from __future__ import annotations

from dataclasses import dataclass

from application.common.actor import Actor
from application.knowledge.cutting import fetch_page
from application.knowledge.inputs import (
    MAX_TEXT_CHARS,
    DocumentInput,
    FileInput,
    TextInput,
    UploadInput,
    WebInput,
    checked_name,
    checked_type,
    checked_url,
    default_web_name,
    file_type_of,
)
from crossdomain.upload import UploadedFiles
from domain.common.outbound import OutboundClient
from domain.common.storage import ObjectStorage
from domain.knowledge.entities import DocumentSource
from domain.knowledge.errors import InvalidKnowledgeRequest, WrongFormat
from domain.knowledge.parsed import FormatType, ParseLimits


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


@dataclass(frozen=True, slots=True)
class Source:
    data: bytes
    file_type: str
    name: str
    kind: DocumentSource
    url: str = ""


class SourceReader:
    def __init__(
        self, storage: ObjectStorage, files: UploadedFiles, outbound: OutboundClient, limits: ParseLimits
    ) -> None:
        self._storage, self._files, self._outbound, self._limits = storage, files, outbound, limits

    async def read(self, actor: Actor, format: FormatType, given: DocumentInput) -> Source:
        """ParseFailed (400) when a web page cannot be fetched, exactly as the job would say."""
        if isinstance(given, WebInput):
            if format is not FormatType.TEXT:
                raise WrongFormat(detail="web pages go into text knowledge bases")
            url = checked_url(given.url)
            data = await fetch_page(self._outbound, url, self._limits)
            name = checked_name(given.name or default_web_name(url))
            return Source(data, "html", name, DocumentSource.WEB_PAGE, url)
        if isinstance(given, TextInput):
            if format is not FormatType.TEXT:
                raise WrongFormat(detail="pasted text goes into text knowledge bases")
            data, file_type = pasted_text(given.text, given.name)
            return Source(data, file_type, checked_name(given.name), DocumentSource.TEXT)
        if isinstance(given, FileInput | UploadInput):
            data, name = await file_bytes(self._files, self._storage, self._limits, actor.user_id, given)
        else:
            raise InvalidKnowledgeRequest(detail="a document under review cannot be reviewed again")
        name = checked_name(name)
        if not data:
            raise InvalidKnowledgeRequest(detail=f"{name}: the file is empty")
        if len(data) > self._limits.max_bytes:
            raise InvalidKnowledgeRequest(detail=f"{name}: the file is over the size limit")
        file_type = checked_type(format, file_type_of(name, given.file_type))
        return Source(data, file_type, name, DocumentSource.LOCAL_FILE)
