"""Each dataset's slices in both stores: dense vectors in the vector store, text in the full-text
index, one collection and one index per dataset (and index version), named alike.

Filters are built from typed values (document ids are ints), never from user text.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence

from domain.common import fulltext as ft
from domain.common import vectors as vs
from domain.common.fulltext import FullTextIndex
from domain.common.vector_filters import And, Eq, FieldType, Filter, In, Not
from domain.common.vectors import CollectionSpec, Metric, ScalarField, VectorRecord, VectorStore
from domain.knowledge.ports import IndexedSlice, IndexHit

DOCUMENT = "document_id"
GENERATION = "generation"
TEXT = "text"


def _text_index(name: str) -> ft.IndexSpec:
    return ft.IndexSpec(
        name,
        (
            ft.FieldSpec(TEXT, ft.FieldType.TEXT),
            ft.FieldSpec(DOCUMENT, ft.FieldType.INTEGER),
            ft.FieldSpec(GENERATION, ft.FieldType.INTEGER),
        ),
    )


def _document_of(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


class StoreSliceIndex:
    def __init__(self, vectors: VectorStore, fulltext: FullTextIndex) -> None:
        self._vectors, self._fulltext = vectors, fulltext

    async def ensure(self, collection: str, dimension: int) -> None:
        if not await self._vectors.has_collection(collection):
            spec = CollectionSpec(
                collection,
                dimension,
                Metric.COSINE,
                (ScalarField(DOCUMENT, FieldType.INT), ScalarField(GENERATION, FieldType.INT)),
            )
            with contextlib.suppress(vs.VectorCollectionExists):  # another worker made it meanwhile
                await self._vectors.create_collection(spec)
        await self._fulltext.create_index(_text_index(collection), exist_ok=True)

    async def write(self, collection: str, slices: Sequence[IndexedSlice]) -> None:
        if not slices:
            return
        records = [
            VectorRecord(s.id, s.vector, {DOCUMENT: s.document_id, GENERATION: s.generation}) for s in slices
        ]
        docs = [
            ft.Document(s.id, {TEXT: s.text, DOCUMENT: s.document_id, GENERATION: s.generation})
            for s in slices
        ]
        await asyncio.gather(
            self._vectors.upsert(collection, records), self._fulltext.upsert(collection, docs)
        )

    async def remove(self, collection: str, slice_ids: Sequence[str]) -> None:
        if not slice_ids:
            return
        await asyncio.gather(
            self._vectors.delete(collection, In(vs.ID_FIELD, list(slice_ids))),
            self._fulltext.delete(collection, list(slice_ids)),
        )

    async def remove_document(
        self, collection: str, document_id: int, *, except_generation: int | None = None
    ) -> None:
        if not await self._vectors.has_collection(collection):
            return
        dense: Filter = Eq(DOCUMENT, document_id)
        text: ft.Filter = ft.Term(DOCUMENT, document_id)
        if except_generation is not None:
            dense = And(dense, Not(Eq(GENERATION, except_generation)))
            text = ft.And((text, ft.Not(ft.Term(GENERATION, except_generation))))
        await asyncio.gather(
            self._vectors.delete(collection, dense), self._fulltext.delete_by_filter(collection, text)
        )

    async def drop(self, collection: str) -> None:
        await asyncio.gather(self._vectors.drop_collection(collection), self._fulltext.drop_index(collection))

    async def semantic(
        self, collection: str, vector: Sequence[float], top_k: int, documents: Sequence[int] | None
    ) -> list[IndexHit]:
        where = None if documents is None else In(DOCUMENT, list(documents))
        hits = await self._vectors.search(collection, vector, top_k=top_k, where=where)
        return [IndexHit(h.id, _document_of(h.fields.get(DOCUMENT)), h.score) for h in hits]

    async def full_text(
        self, collection: str, query: str, top_k: int, documents: Sequence[int] | None
    ) -> list[IndexHit]:
        flt = None if documents is None else ft.Terms(DOCUMENT, tuple(documents))
        result = await self._fulltext.search(
            # Top-k only: retrieval needs the best hits, not how many match (ADR 0052).
            collection,
            ft.SearchRequest(text=query, fields=(TEXT,), filter=flt, size=top_k, exact_total=False),
        )
        return [IndexHit(h.id, _document_of(h.fields.get(DOCUMENT)), h.score) for h in result.hits]
