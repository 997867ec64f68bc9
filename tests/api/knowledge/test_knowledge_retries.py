"""An embedding provider that times out in the middle of a document: the job is retried by the bus
and the document ends with exactly its slices — nothing half-indexed is ever searchable."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

import pytest
from dependency_injector import providers

from bootstrap.container import Container
from bootstrap.settings import Settings
from domain.common.llm import EmbeddingModel
from domain.common.vector_filters import Eq
from tests.support.knowledge_world import KnowledgeWorld, knowledge_world


class Outage:
    def __init__(self) -> None:
        self.calls = 0
        self.failed = False


class FlakyEmbeddings:
    """The real model, but the second batch ever asked for times out once."""

    def __init__(self, inner: EmbeddingModel, outage: Outage) -> None:
        self._inner, self._outage = inner, outage

    @property
    def dimension(self) -> int | None:
        return self._inner.dimension

    async def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        self._outage.calls += 1
        if self._outage.calls == 2 and not self._outage.failed:
            self._outage.failed = True
            raise TimeoutError("the embedding provider timed out")
        return await self._inner.embed_documents(texts)

    async def embed_query(self, text: str) -> list[float]:
        return await self._inner.embed_query(text)


class FlakyRuntime:
    def __init__(self, inner: Any, outage: Outage) -> None:
        self._inner, self._outage = inner, outage

    async def chat_model(self, model_id: int | None = None) -> Any:
        return await self._inner.chat_model(model_id)

    async def rerank_model(self, model_id: int | None = None) -> Any:
        return await self._inner.rerank_model(model_id)

    async def embedding_model(self, model_id: int | None = None) -> EmbeddingModel:
        return FlakyEmbeddings(await self._inner.embedding_model(model_id), self._outage)


OUTAGE = Outage()


def _flaky(container: Container) -> None:
    real = container.models.runtime()
    container.knowledge.runtime.override(providers.Object(FlakyRuntime(real, OUTAGE)))


@pytest.fixture
async def w(settings: Settings) -> AsyncIterator[KnowledgeWorld]:
    OUTAGE.__init__()  # type: ignore[misc]
    quick = settings.model_copy(update={"eventbus_retry_base_s": 0.05})
    async with knowledge_world(quick, _flaky) as world:
        yield world


async def test_a_timeout_mid_document_is_retried_and_leaves_no_partial_index(w: KnowledgeWorld) -> None:
    dataset_id = await w.dataset(w.alice)
    lines = "\n\n".join(f"Paragraph {i} about lighthouse keepers and their lamps." for i in range(300))
    document_id = await w.add_text(
        dataset_id,
        "lamps.txt",
        lines,
        chunk_strategy={"chunk_type": 1, "separator": "\\n\\n", "max_tokens": 60},
    )
    (row,) = await w.settled([document_id])
    assert OUTAGE.failed, "the outage never happened: the test proves nothing"
    assert row["status"] == 1, row
    slices = await w.call("/api/knowledge/slice/list", {"document_id": document_id, "page_size": 200})
    total = slices["total"]
    assert total > 64  # more than one embedding batch
    stored = await w.container.vectors.store().count(
        f"kb_{dataset_id}_v1", Eq("document_id", int(document_id))
    )
    assert stored == total
