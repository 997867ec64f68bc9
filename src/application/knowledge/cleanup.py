"""Consumers that keep the stores in step with the rows: removed documents and datasets lose their
index entries and stored files; a slice edited by hand is re-embedded alone. Each is idempotent:
removing what is gone is a no-op, and re-embedding writes the slice's current text."""

from __future__ import annotations

from application.common.detached import detached
from domain.common.eventbus import Event
from domain.common.llm import ModelRuntime
from domain.common.ports import UnitOfWorkFactory
from domain.common.storage import ObjectStorage
from domain.knowledge.ports import DatasetRepository, IndexedSlice, SliceIndex, SliceRepository


class KnowledgeCleanup:
    def __init__(self, index: SliceIndex, storage: ObjectStorage) -> None:
        self._index, self._storage = index, storage

    async def handle(self, event: Event) -> None:
        collection, prefix = str(event.payload["collection"]), str(event.payload["object_prefix"])
        document_id = int(event.payload.get("document_id") or 0)
        if document_id:
            await self._index.remove_document(collection, document_id)
        else:
            await self._index.drop(collection)
        await detached(self._delete_objects(prefix))

    async def _delete_objects(self, prefix: str) -> None:
        after: str | None = None
        while True:
            page = await self._storage.list(prefix, after=after, limit=1000)
            for item in page.objects:
                await self._storage.delete(item.key)
            if not page.next_after:
                return
            after = page.next_after


class SliceReindexer:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        datasets: DatasetRepository,
        slices: SliceRepository,
        index: SliceIndex,
        runtime: ModelRuntime,
    ) -> None:
        self._uow, self._datasets, self._slices, self._index, self._runtime = (
            uow,
            datasets,
            slices,
            index,
            runtime,
        )

    async def handle(self, event: Event) -> None:
        await detached(self.run(int(event.payload["dataset_id"]), str(event.payload["slice_id"])))

    async def run(self, dataset_id: int, slice_id: str) -> None:
        async with self._uow():
            dataset = await self._datasets.get(dataset_id)
            found = await self._slices.get(slice_id)
        if dataset is None:
            return
        if found is None:
            await self._index.remove(dataset.collection, [slice_id])
            return
        model = await self._runtime.embedding_model(dataset.embedding_model_id)
        (vector,) = await model.embed_documents([found.text])
        await self._index.ensure(dataset.collection, dataset.dimension)
        await self._index.write(
            dataset.collection,
            [IndexedSlice(found.id, found.document_id, found.generation, found.text, vector)],
        )
