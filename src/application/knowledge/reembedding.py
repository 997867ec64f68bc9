"""Moving a dataset to another embedding model, in the background.

The slices (the rows are the source of truth) are embedded with the new model into the next index
version's collection while searches keep using the current one; then, in one transaction, the
dataset points at the new model and collection and the old collection is dropped. Documents that
changed while the job ran (their generation moved, or they were still indexing with the old model)
are queued again, so they are indexed with the new model into the new collection.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from application.common.detached import detached
from crossdomain.modelmgr import EmbeddingModelCatalog
from domain.common.eventbus import Event
from domain.common.llm import ModelRuntime
from domain.common.ports import Clock, UnitOfWorkFactory
from domain.knowledge.entities import Dataset, DocumentStatus
from domain.knowledge.events import DocumentQueued
from domain.knowledge.ports import (
    DatasetRepository,
    DocumentRepository,
    IndexedSlice,
    SliceIndex,
    SliceRepository,
)

log = logging.getLogger("cozeplus.knowledge")
BATCH = 64


class ReembeddingJob:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        datasets: DatasetRepository,
        documents: DocumentRepository,
        slices: SliceRepository,
        index: SliceIndex,
        runtime: ModelRuntime,
        embeddings: EmbeddingModelCatalog,
        clock: Clock,
    ) -> None:
        self._uow, self._datasets, self._documents, self._slices = uow, datasets, documents, slices
        self._index, self._runtime, self._embeddings, self._clock = index, runtime, embeddings, clock

    async def handle(self, event: Event) -> None:
        await detached(self.run(int(event.payload["dataset_id"]), int(event.payload["model_id"])))

    async def run(self, dataset_id: int, model_id: int) -> None:
        async with self._uow():
            dataset = await self._datasets.get(dataset_id)
            documents = [] if dataset is None else await self._documents.in_dataset(dataset_id)
        if dataset is None or dataset.pending_model_id != model_id:
            return  # deleted, or another change superseded this one
        model = await self._runtime.embedding_model(model_id)
        target = replace(dataset, index_version=dataset.index_version + 1)
        seen: dict[int, int] = {}
        dimension = 0
        for document in documents:
            seen[document.id] = document.generation if document.status is DocumentStatus.READY else -1
            if seen[document.id] < 0:
                continue
            async with self._uow():
                rows = await self._slices.of_document(document.id)
            for start in range(0, len(rows), BATCH):
                batch = rows[start : start + BATCH]
                vectors = await model.embed_documents([s.text for s in batch])
                if not dimension:
                    dimension = len(vectors[0])
                    await self._index.ensure(target.collection, dimension)
                await self._index.write(
                    target.collection,
                    [
                        IndexedSlice(s.id, s.document_id, s.generation, s.text, v)
                        for s, v in zip(batch, vectors, strict=True)
                    ],
                )
        if not dimension:  # nothing indexed yet: the new model's vectors say their length
            dimension = len(await model.embed_query("dimension probe"))
            await self._index.ensure(target.collection, dimension)
        await self._switch(dataset, target, model_id, dimension, seen)

    async def _switch(
        self, before: Dataset, target: Dataset, model_id: int, dimension: int, seen: dict[int, int]
    ) -> None:
        now = self._clock.now()
        async with self._uow() as uow:
            current = await self._datasets.get(before.id, for_update=True)
            if current is None or current.pending_model_id != model_id:
                await self._index.drop(target.collection)
                return
            await self._datasets.save(
                replace(
                    current,
                    embedding_model_id=model_id,
                    dimension=dimension,
                    index_version=target.index_version,
                    pending_model_id=None,
                    updated_at=now,
                )
            )
            for document in await self._documents.in_dataset(before.id):
                if (
                    seen.get(document.id) != document.generation
                    or document.status is not DocumentStatus.READY
                ):
                    requeued = document.queued(now)
                    await self._documents.save(requeued)
                    uow.record(DocumentQueued(requeued.id, requeued.generation))
            await uow.commit()
        await self._index.drop(before.collection)
        log.info("knowledge_reembedded dataset=%s model=%s", before.id, model_id)
