"""A search that read a dataset just before it moved to another embedding model: the old collection
is dropped right after the switch, so the search finds it gone and searches the current one."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from application.knowledge.retrieval import RetrievalService
from crossdomain.knowledge import SearchMode
from domain.common.vectors import VectorCollectionNotFound
from domain.knowledge.entities import Dataset, FormatType
from domain.knowledge.ports import IndexHit

NOW = datetime(2026, 12, 8, tzinfo=UTC)
BEFORE = Dataset(7, 1, 1, "Docs", "", FormatType.TEXT, 10, 4, NOW, NOW)
AFTER = replace(BEFORE, embedding_model_id=11, index_version=2)


@asynccontextmanager
async def uow() -> AsyncIterator[None]:
    yield None


class Datasets:
    def __init__(self, current: Dataset | None) -> None:
        self.current = current

    async def get(self, dataset_id: int, **_: Any) -> Dataset | None:
        return self.current


class Index:
    """Only the current collection exists."""

    def __init__(self, live: str) -> None:
        self.live, self.asked = live, list[str]()

    async def semantic(self, collection: str, vector: Sequence[float], top_k: int, _: Any) -> list[IndexHit]:
        self.asked.append(collection)
        if collection != self.live:
            raise VectorCollectionNotFound(name=collection)
        return [IndexHit("s1", 1, 0.9)]


class Model:
    def __init__(self, model_id: int, used: list[int]) -> None:
        self._id, self._used = model_id, used

    async def embed_query(self, text: str) -> list[float]:
        self._used.append(self._id)
        return [1.0, 0.0, 0.0, 0.0]


class Runtime:
    def __init__(self) -> None:
        self.used: list[int] = []

    async def embedding_model(self, model_id: int) -> Model:
        return Model(model_id, self.used)


def service(datasets: Datasets, index: Index, runtime: Runtime) -> RetrievalService:
    none: Any = None
    return RetrievalService(uow, datasets, none, none, index, runtime, none, none, none)  # type: ignore[arg-type]


async def test_a_search_of_a_dataset_that_just_moved_uses_its_new_collection_and_model() -> None:
    index, runtime = Index(AFTER.collection), Runtime()
    hits = await service(Datasets(AFTER), index, runtime)._ranked(BEFORE, "q", SearchMode.SEMANTIC)
    assert hits == {"s1": 0.9}
    assert index.asked == ["kb_7_v1", "kb_7_v2"] and runtime.used == [10, 11]


async def test_a_missing_collection_of_a_dataset_that_did_not_move_is_still_an_error() -> None:
    with pytest.raises(VectorCollectionNotFound):
        await service(Datasets(BEFORE), Index("kb_7_v9"), Runtime())._ranked(BEFORE, "q", SearchMode.SEMANTIC)
