from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from domain.common.llm import ChatModel, EmbeddingModel, RerankModel
from domain.modelmgr.entities import ModelInstance
from domain.modelmgr.values import ModelKind


class ModelRepository(Protocol):
    """Model instances; deleted ones are invisible to every read. Use inside an open unit of work."""

    async def get(self, model_id: int) -> ModelInstance | None: ...

    async def list(self, kind: ModelKind | None = None) -> Sequence[ModelInstance]:
        """Every model not deleted (active and disabled), by kind then name."""
        ...

    async def default_for(self, kind: ModelKind) -> ModelInstance | None: ...

    async def by_seed_key(self, seed_key: str) -> ModelInstance | None: ...

    async def add(self, instance: ModelInstance) -> None: ...

    async def save(self, instance: ModelInstance) -> None: ...

    async def clear_default(self, kind: ModelKind) -> None: ...

    async def count_all(self) -> int:
        """Rows ever stored, deleted ones included: tells a first start from an emptied table."""
        ...

    async def add_seed(self, instance: ModelInstance) -> bool:
        """Insert a seeded model unless one with its seed_key exists (another process won the race)."""
        ...

    async def reseal_all(self) -> int:
        """Re-encrypt every stored API key with the current key; returns how many rows were rewritten."""
        ...


class ModelClientFactory(Protocol):
    """Builds a ready client from a model instance (infra: langchain providers and the built-ins)."""

    def chat(self, instance: ModelInstance) -> ChatModel: ...

    def embedding(self, instance: ModelInstance) -> EmbeddingModel: ...

    def rerank(self, instance: ModelInstance) -> RerankModel: ...
