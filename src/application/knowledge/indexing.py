"""The indexing job: one document from its bytes to searchable slices.

Runs as the consumer of `DocumentQueued`, outside the delivery's transaction (application/common/
detached.py) so progress commits as it goes. Idempotent by construction: a job for a stale
generation does nothing; slice ids are (document, generation, position), so a second run of the same
generation (a worker killed with SIGKILL, a redelivery) overwrites instead of adding; the slice rows,
which searches join against, are written only once every vector is in, so a half-done run is never
visible; older generations' index entries go after the new ones are in.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import replace

from application.common.detached import detached
from application.knowledge.captions import ImageCaptioner
from application.knowledge.cutting import cut, fetch_page
from application.knowledge.review_chunks import reviewed_chunks
from domain.common.eventbus import Event
from domain.common.llm import ModelRuntime
from domain.common.outbound import OutboundClient
from domain.common.ports import Clock, UnitOfWorkFactory
from domain.common.storage import ObjectNotFound, ObjectStorage
from domain.knowledge.entities import (
    Dataset,
    Document,
    DocumentSource,
    DocumentStatus,
    Failure,
    Progress,
    Slice,
)
from domain.knowledge.parsed import (
    DocumentParser,
    FailureReason,
    ParsedTable,
    ParseFailed,
    ParseLimits,
    TableColumn,
)
from domain.knowledge.ports import (
    DatasetRepository,
    DocumentRepository,
    IndexedSlice,
    SliceIndex,
    SliceRepository,
)
from domain.knowledge.values import Chunk

log = logging.getLogger("cozeplus.knowledge")

EMBED_BATCH = 64
ATTEMPTS = 5  # deliveries of one job before the document is marked failed
PROGRESS_EVERY_S = 0.5
WEB_TIMEOUT_S = 20.0


class IndexingJob:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        datasets: DatasetRepository,
        documents: DocumentRepository,
        slices: SliceRepository,
        index: SliceIndex,
        storage: ObjectStorage,
        outbound: OutboundClient,
        parser: DocumentParser,
        runtime: ModelRuntime,
        limits: ParseLimits,
        clock: Clock,
        captioner: ImageCaptioner | None = None,
    ) -> None:
        self._uow, self._datasets, self._documents, self._slices = uow, datasets, documents, slices
        self._index, self._storage, self._outbound, self._parser = index, storage, outbound, parser
        self._runtime, self._limits, self._clock = runtime, limits, clock
        self._captioner = captioner

    async def handle(self, event: Event) -> None:
        document_id, generation = int(event.payload["document_id"]), int(event.payload["generation"])
        await detached(self.run(document_id, generation, last_attempt=event.attempt >= ATTEMPTS))

    async def run(self, document_id: int, generation: int, *, last_attempt: bool = False) -> None:
        started = await self._start(document_id, generation)
        if started is None:
            return  # deleted, re-queued since, or finished by another worker
        dataset, document = started
        try:
            chunks, columns = await self._chunks(document)
        except ParseFailed as failed:  # the file's own fault: retrying will not help
            await self._fail(dataset, document, Failure(failed.reason, failed.detail))
            return
        try:
            if not chunks:  # an image without a caption: cut() refuses every other empty document
                chunks = [Chunk(await self._caption(document) or document.name)]
            await self._index_chunks(dataset, document, chunks, columns)
        except Exception as exc:
            if not last_attempt:
                raise  # the bus retries with backoff
            failure = Failure(FailureReason.INDEXING_FAILED, str(exc)[:500] or type(exc).__name__)
            await self._fail(dataset, document, failure)
            return

    async def _start(self, document_id: int, generation: int) -> tuple[Dataset, Document] | None:
        async with self._uow() as uow:
            document = await self._documents.get(document_id, for_update=True)
            if document is None or document.generation != generation:
                return None
            if document.status not in (DocumentStatus.QUEUED, DocumentStatus.PROCESSING):
                return None
            dataset = await self._datasets.get(document.dataset_id)
            if dataset is None:
                return None
            document = replace(
                document, status=DocumentStatus.PROCESSING, progress=Progress(5), updated_at=self._clock.now()
            )
            await self._documents.save(document)
            await uow.commit()
        return dataset, document

    async def _chunks(self, document: Document) -> tuple[list[Chunk], tuple[TableColumn, ...]]:
        reviewed = await reviewed_chunks(self._storage, document)
        if reviewed is not None:  # the slices as a person reviewed them (review/save), not cut again
            return reviewed, ()
        if document.source is DocumentSource.WEB_PAGE:
            data = await fetch_page(self._outbound, document.url, self._limits)
        else:
            try:
                data = await self._storage.get(document.object_key)
            except ObjectNotFound:
                raise ParseFailed(FailureReason.BROKEN, "the stored file is gone") from None
        chunks, parsed = await cut(
            self._parser, data, document.file_type, document.chunking, self._limits, caption=document.caption
        )
        columns = parsed.columns if isinstance(parsed, ParsedTable) else ()
        return chunks, columns

    async def _caption(self, document: Document) -> str:
        """The vision model's caption, kept on the document at once (a retry after a later failure
        does not ask again); "" when no model takes images -- then the name is what finds it."""
        if self._captioner is None:
            return ""
        data = await self._storage.get(document.object_key)
        caption = await self._captioner.caption(data, document.file_type)
        if not caption:
            return ""
        async with self._uow() as uow:
            current = await self._documents.get(document.id, for_update=True)
            if current is not None and current.generation == document.generation:
                await self._documents.save(replace(current, caption=caption, updated_at=self._clock.now()))
                await uow.commit()
        return caption

    async def _index_chunks(
        self,
        dataset: Dataset,
        document: Document,
        chunks: Sequence[Chunk],
        columns: tuple[TableColumn, ...],
    ) -> None:
        generation = document.generation
        slices = [
            Slice(
                Slice.slice_id(document.id, generation, i),
                document.id,
                dataset.id,
                dataset.space_id,
                i,
                chunk.text,
                chunk.heading_path,
                chunk.page,
                generation,
                row=chunk.row,
            )
            for i, chunk in enumerate(chunks)
        ]
        total = len(slices)
        await self._progress(document, Progress(10, 0, total))
        await self._index.ensure(dataset.collection, dataset.dimension)
        model = await self._runtime.embedding_model(dataset.embedding_model_id)
        reported = time.monotonic()
        for start in range(0, total, EMBED_BATCH):
            batch = slices[start : start + EMBED_BATCH]
            vectors = await model.embed_documents([s.text for s in batch])
            await self._index.write(
                dataset.collection,
                [
                    IndexedSlice(s.id, s.document_id, generation, s.text, v)
                    for s, v in zip(batch, vectors, strict=True)
                ],
            )
            done = start + len(batch)
            if time.monotonic() - reported >= PROGRESS_EVERY_S and done < total:
                await self._progress(document, Progress(10 + 85 * done // total, done, total))
                reported = time.monotonic()
        if not await self._finish(document, slices, columns):
            await self._index.remove(dataset.collection, [s.id for s in slices])  # only this round's
            return
        await self._index.remove_document(dataset.collection, document.id, except_generation=generation)

    async def _finish(
        self, document: Document, slices: Sequence[Slice], columns: tuple[TableColumn, ...]
    ) -> bool:
        """The slice rows and READY in one transaction; False when the document went away or was
        re-queued meanwhile (then this generation's index entries are dropped)."""
        async with self._uow() as uow:
            current = await self._documents.get(document.id, for_update=True)
            if current is None or current.generation != document.generation:
                return False
            await self._slices.replace_generation(document.id, document.generation, slices)
            ready = replace(
                current,
                status=DocumentStatus.READY,
                progress=Progress(100, len(slices), len(slices)),
                failure=None,
                slice_count=len(slices),
                char_count=sum(len(s.text) for s in slices),
                columns=columns or current.columns,
                updated_at=self._clock.now(),
            )
            await self._documents.save(ready)
            await uow.commit()
        return True

    async def _progress(self, document: Document, progress: Progress) -> None:
        async with self._uow() as uow:
            current = await self._documents.get(document.id, for_update=True)
            if current is None or current.generation != document.generation:
                return
            await self._documents.save(replace(current, progress=progress, updated_at=self._clock.now()))
            await uow.commit()

    async def _fail(self, dataset: Dataset, document: Document, failure: Failure) -> None:
        log.info("knowledge_document_failed document=%s reason=%s", document.id, failure.reason.value)
        async with self._uow() as uow:
            current = await self._documents.get(document.id, for_update=True)
            if current is None or current.generation != document.generation:
                return
            # A failed document has no slices: nothing half-indexed stays searchable or listed.
            await self._slices.replace_generation(current.id, current.generation, [])
            failed = replace(
                current,
                status=DocumentStatus.FAILED,
                failure=failure,
                slice_count=0,
                char_count=0,
                updated_at=self._clock.now(),
            )
            await self._documents.save(failed)
            await uow.commit()
        try:
            await self._index.remove_document(dataset.collection, document.id)
        except Exception as exc:  # the rows say failed; the entries left behind match no slice row
            log.warning("knowledge_index_cleanup_failed document=%s error=%s", document.id, str(exc)[:200])
