"""The segmentation preview (Coze's document review): how a file, text or web page would be cut,
before anything is stored or indexed. Limited to what a person reviews on one screen."""

from __future__ import annotations

from dataclasses import dataclass

from application.common.actor import Actor, require_scope
from application.knowledge.access import KnowledgeAccess, KnowledgeAction
from application.knowledge.cutting import cut, fetch_page
from application.knowledge.inputs import (
    DocumentInput,
    TextInput,
    WebInput,
    checked_type,
    checked_url,
    file_type_of,
)
from application.knowledge.sources import file_bytes, pasted_text
from crossdomain.upload import UploadedFiles
from domain.common.access import Scope
from domain.common.outbound import OutboundClient
from domain.common.ports import UnitOfWorkFactory
from domain.common.storage import ObjectStorage
from domain.knowledge.errors import InvalidKnowledgeRequest, WrongFormat
from domain.knowledge.parsed import DocumentParser, FormatType, ParseLimits
from domain.knowledge.values import Chunk, ChunkingStrategy

MAX_PREVIEW_SLICES = 200


@dataclass(frozen=True, slots=True)
class Preview:
    chunks: list[Chunk]  # the first MAX_PREVIEW_SLICES
    total: int
    char_count: int


class PreviewService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        access: KnowledgeAccess,
        parser: DocumentParser,
        storage: ObjectStorage,
        files: UploadedFiles,
        outbound: OutboundClient,
        limits: ParseLimits,
    ) -> None:
        self._uow, self._access, self._parser = uow, access, parser
        self._storage, self._files, self._outbound, self._limits = storage, files, outbound, limits

    async def preview(
        self, actor: Actor, dataset_id: int, given: DocumentInput, chunking: ChunkingStrategy | None
    ) -> Preview:
        """ParseFailed (400) says why a document would fail, exactly as the job would."""
        require_scope(actor, Scope.KNOWLEDGE_WRITE)
        async with self._uow():
            dataset = await self._access.dataset(actor, dataset_id, KnowledgeAction.UPDATE)
        if dataset.format is not FormatType.TEXT:
            raise WrongFormat(detail="the segmentation preview is for text knowledge bases")
        data, file_type = await self._bytes(actor, dataset.format, given)
        chunks, _ = await cut(self._parser, data, file_type, chunking or dataset.chunking, self._limits)
        return Preview(chunks[:MAX_PREVIEW_SLICES], len(chunks), sum(len(c.text) for c in chunks))

    async def _bytes(self, actor: Actor, format: FormatType, given: DocumentInput) -> tuple[bytes, str]:
        if isinstance(given, WebInput):
            return await fetch_page(self._outbound, checked_url(given.url), self._limits), "html"
        if isinstance(given, TextInput):
            return pasted_text(given.text, given.name)
        data, name = await file_bytes(self._files, self._storage, self._limits, actor.user_id, given)
        if len(data) > self._limits.max_bytes:
            raise InvalidKnowledgeRequest(detail=f"{name}: the file is over the size limit")
        return data, checked_type(format, file_type_of(name, given.file_type))
