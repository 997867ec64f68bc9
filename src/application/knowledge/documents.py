"""Documents of a knowledge base: add (file, upload, text, web page), list, rename, re-segment,
delete, and read their indexing progress.

Adding is checked completely first (format, type, size, names, URLs), the bytes go to object storage,
then the rows and one `DocumentQueued` event per document commit together: the indexing itself is a
job (application/knowledge/indexing.py). A refused request stores nothing: a sheet that does not fit
a table knowledge base's columns is refused here, before anything is stored. A document made from a
review (application/knowledge/reviews.py) takes the review's bytes and the slices as saved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta

from application.common.actor import Actor, require_scope
from application.knowledge.access import KnowledgeAccess, KnowledgeAction
from application.knowledge.datasets import object_prefix
from application.knowledge.inputs import (
    MAX_DOCUMENTS_PER_CALL,
    DocumentInput,
    ReviewedInput,
    TextInput,
    WebInput,
    checked_name,
    checked_type,
    checked_url,
    content_type,
    default_web_name,
    file_type_of,
)
from application.knowledge.review_chunks import JSON_TYPE, encoded, reviewed_key
from application.knowledge.reviews import ReviewService
from application.knowledge.sources import file_bytes, pasted_text
from application.knowledge.table_schema import dataset_schema, sheet_columns
from crossdomain.upload import UploadedFiles
from domain.common.access import Scope
from domain.common.ports import Clock, IdGenerator, UnitOfWorkFactory
from domain.common.storage import LinkMethod, ObjectStorage
from domain.knowledge.entities import Dataset, Document, DocumentSource
from domain.knowledge.errors import DatasetNotFound, DocumentNotFound, InvalidKnowledgeRequest, WrongFormat
from domain.knowledge.events import DocumentQueued, KnowledgeRemoved
from domain.knowledge.parsed import DocumentParser, FormatType, ParseFailed, ParseLimits, TableColumn
from domain.knowledge.ports import DocumentRepository
from domain.knowledge.table_schema import describe, mismatches
from domain.knowledge.values import ChunkingStrategy

MAX_PAGE_SIZE = 100
LINK_TTL = timedelta(hours=1)

Objects = list[tuple[str, bytes, str]]  # key, bytes, content type


class DocumentService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        documents: DocumentRepository,
        access: KnowledgeAccess,
        storage: ObjectStorage,
        files: UploadedFiles,
        limits: ParseLimits,
        ids: IdGenerator,
        clock: Clock,
        reviews: ReviewService,
        parser: DocumentParser,
    ) -> None:
        self._uow, self._documents, self._access = uow, documents, access
        self._storage, self._files, self._limits = storage, files, limits
        self._ids, self._clock, self._reviews, self._parser = ids, clock, reviews, parser

    async def create(
        self,
        actor: Actor,
        dataset_id: int,
        inputs: Sequence[DocumentInput],
        chunking: ChunkingStrategy | None = None,
    ) -> list[Document]:
        require_scope(actor, Scope.KNOWLEDGE_WRITE)
        if not 1 <= len(inputs) <= MAX_DOCUMENTS_PER_CALL:
            raise InvalidKnowledgeRequest(detail=f"send 1..{MAX_DOCUMENTS_PER_CALL} documents at a time")
        async with self._uow():
            dataset = await self._access.dataset(actor, dataset_id, KnowledgeAction.UPDATE)
            schema = (
                await dataset_schema(self._documents, dataset.id)
                if dataset.format is FormatType.TABLE
                else ()
            )
        now = self._clock.now()
        prepared: list[tuple[Document, Objects]] = []
        for given in inputs:  # every input is checked before the first byte is stored
            if isinstance(given, ReviewedInput):
                prepared.append(await self._from_review(actor, dataset, given))
                continue
            document, data = await self._prepare(actor, dataset, given, chunking or dataset.chunking)
            if schema and data is not None:
                await self._fits(schema, document, data)
            objects = [] if data is None else [(document.object_key, data, content_type(document.file_type))]
            prepared.append((document, objects))
        stored: list[str] = []
        try:
            for _, objects in prepared:
                for key, data, kind in objects:
                    await self._storage.put(key, data, content_type=kind)
                    stored.append(key)
            async with self._uow() as uow:
                await self._access.dataset(actor, dataset_id, KnowledgeAction.UPDATE)
                for document, _ in prepared:
                    await self._documents.add(replace(document, created_at=now, updated_at=now))
                    uow.record(DocumentQueued(document.id, document.generation))
                await uow.commit()
        except BaseException:
            for key in stored:  # nothing half-written: the rows did not commit, the bytes go too
                await self._storage.delete(key)
            raise
        return [replace(d, created_at=now, updated_at=now) for d, _ in prepared]

    async def _fits(self, schema: tuple[TableColumn, ...], document: Document, data: bytes) -> None:
        try:
            columns = await sheet_columns(self._parser, data, document.file_type, self._limits)
        except ParseFailed:
            return  # an unreadable file fails its own document in the job, saying why
        found = mismatches(schema, columns)
        if found:
            raise WrongFormat(
                detail=f"{document.name} does not fit the knowledge base's columns: {describe(found)}"
            )

    async def _from_review(
        self, actor: Actor, dataset: Dataset, given: ReviewedInput
    ) -> tuple[Document, Objects]:
        reviewed = await self._reviews.reviewed(actor, dataset, given.review_id)
        review, document_id, now = reviewed.review, self._ids.next_id(), self._clock.now()
        key = f"{object_prefix(dataset.id, document_id)}source" if reviewed.data is not None else ""
        document = Document(
            id=document_id,
            dataset_id=dataset.id,
            space_id=dataset.space_id,
            creator_id=actor.user_id,
            name=checked_name(given.name or review.name),
            source=review.source,
            file_type=review.file_type,
            size=review.size,
            created_at=now,
            updated_at=now,
            object_key=key,
            url=review.url,
            chunking=review.chunking,  # what the reviewed slices were cut with
        )
        objects: Objects = [
            (reviewed_key(dataset.id, document_id, document.generation), encoded(reviewed.slices), JSON_TYPE)
        ]
        if reviewed.data is not None:
            objects.insert(0, (key, reviewed.data, content_type(review.file_type)))
        return document, objects

    async def _prepare(
        self, actor: Actor, dataset: Dataset, given: DocumentInput, chunking: ChunkingStrategy
    ) -> tuple[Document, bytes | None]:
        document_id = self._ids.next_id()
        key = f"{object_prefix(dataset.id, document_id)}source"
        data: bytes | None
        url, caption = "", ""
        if isinstance(given, WebInput):
            if dataset.format is not FormatType.TEXT:
                raise WrongFormat(detail="web pages go into text knowledge bases")
            url = checked_url(given.url)
            name, file_type, source, data, key = (
                checked_name(given.name or default_web_name(url)),
                "html",
                DocumentSource.WEB_PAGE,
                None,
                "",
            )
        elif isinstance(given, TextInput):
            if dataset.format is not FormatType.TEXT:
                raise WrongFormat(detail="pasted text goes into text knowledge bases")
            # The type is judged by the name as stored (stripped); the text is checked first.
            data, file_type = pasted_text(given.text, (given.name or "").strip())
            name, source = checked_name(given.name), DocumentSource.TEXT
        else:
            assert not isinstance(given, ReviewedInput)
            data, name = await file_bytes(self._files, self._storage, self._limits, actor.user_id, given)
            name = checked_name(name)
            file_type = checked_type(dataset.format, file_type_of(name, given.file_type))
            source = DocumentSource.LOCAL_FILE
            caption = given.caption[:2000]
        if data is not None:
            if not data:
                raise InvalidKnowledgeRequest(detail=f"{name}: the file is empty")
            if len(data) > self._limits.max_bytes:
                raise InvalidKnowledgeRequest(
                    detail=f"{name}: {len(data)} bytes is over the limit of {self._limits.max_bytes}"
                )
        now = self._clock.now()
        document = Document(
            id=document_id,
            dataset_id=dataset.id,
            space_id=dataset.space_id,
            creator_id=actor.user_id,
            name=name,
            source=source,
            file_type=file_type,
            size=0 if data is None else len(data),
            created_at=now,
            updated_at=now,
            object_key=key,
            url=url,
            chunking=chunking,
            caption=caption,
        )
        return document, data

    async def page(
        self,
        actor: Actor,
        dataset_id: int,
        page: int,
        size: int,
        *,
        keyword: str = "",
        has_caption: bool | None = None,
    ) -> tuple[list[Document], int]:
        require_scope(actor, Scope.KNOWLEDGE_READ)
        if page < 1 or not 1 <= size <= MAX_PAGE_SIZE:
            raise InvalidKnowledgeRequest(detail=f"page starts at 1; size is 1..{MAX_PAGE_SIZE}")
        async with self._uow():
            await self._access.dataset(actor, dataset_id, KnowledgeAction.READ)
            return await self._documents.page(
                dataset_id, page, size, keyword=keyword[:100], has_caption=has_caption
            )

    async def link(self, document: Document) -> str:
        """A signed, expiring link to the stored original (image thumbnails); "" for none."""
        if not document.object_key:
            return ""
        return await self._storage.presign(LinkMethod.GET, document.object_key, LINK_TTL)

    async def get_many(self, actor: Actor, document_ids: Sequence[int]) -> list[Document]:
        """The caller's readable documents among `document_ids` (progress polling); an id of
        another space or a missing one is DocumentNotFound."""
        require_scope(actor, Scope.KNOWLEDGE_READ)
        async with self._uow():
            found = {d.id: d for d in await self._documents.get_many(document_ids)}
            seen: set[int] = set()
            for document_id in document_ids:
                document = found.get(document_id)
                if document is None:
                    raise DocumentNotFound()
                if document.dataset_id not in seen:
                    await self._visible(actor, document)
                    seen.add(document.dataset_id)
        return [found[i] for i in document_ids]

    async def update(
        self,
        actor: Actor,
        document_id: int,
        *,
        name: str | None = None,
        chunking: ChunkingStrategy | None = None,
        caption: str | None = None,
    ) -> Document:
        """Rename; a new chunking re-segments (a new indexing round); a caption re-indexes an image."""
        require_scope(actor, Scope.KNOWLEDGE_WRITE)
        async with self._uow() as uow:
            document = await self._writable(actor, document_id)
            changed = replace(document, updated_at=self._clock.now())
            if name is not None:
                changed = replace(changed, name=checked_name(name))
            if caption is not None:
                if len(caption) > 2000:
                    raise InvalidKnowledgeRequest(detail="a caption is at most 2000 characters")
                changed = replace(changed, caption=caption)
            if chunking is not None or caption is not None:
                changed = replace(changed, chunking=chunking or changed.chunking).queued(changed.updated_at)
                uow.record(DocumentQueued(changed.id, changed.generation))
            await self._documents.save(changed)
            await uow.commit()
        return changed

    async def delete(self, actor: Actor, document_ids: Sequence[int]) -> None:
        require_scope(actor, Scope.KNOWLEDGE_WRITE)
        if not 1 <= len(document_ids) <= MAX_PAGE_SIZE:
            raise InvalidKnowledgeRequest(detail=f"delete 1..{MAX_PAGE_SIZE} documents at a time")
        async with self._uow() as uow:
            for document_id in document_ids:
                document = await self._writable(actor, document_id)
                dataset = await self._access.dataset(actor, document.dataset_id, KnowledgeAction.UPDATE)
                await self._documents.delete(document.id)
                uow.record(
                    KnowledgeRemoved(dataset.collection, object_prefix(dataset.id, document.id), document.id)
                )
            await uow.commit()

    async def _writable(self, actor: Actor, document_id: int) -> Document:
        document = await self._documents.get(document_id, for_update=True)
        if document is None:
            raise DocumentNotFound()
        await self._visible(actor, document, KnowledgeAction.UPDATE)
        return document

    async def _visible(
        self, actor: Actor, document: Document, action: KnowledgeAction = KnowledgeAction.READ
    ) -> None:
        try:
            await self._access.dataset(actor, document.dataset_id, action)
        except DatasetNotFound:  # another space's document answers exactly like a missing one
            raise DocumentNotFound() from None
