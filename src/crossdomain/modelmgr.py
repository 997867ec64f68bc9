"""What the model-management context offers others: which chat models exist and may be named."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class ChatModelChoice:
    id: int
    name: str
    usable: bool  # an active chat model: agents may be saved with it


class ChatModelCatalog(Protocol):
    async def find(self, model_id: int) -> ChatModelChoice | None:
        """The chat model with this id; None when unknown, deleted or not a chat model. Joins the
        caller's unit of work when there is one."""
        ...


@dataclass(frozen=True, slots=True)
class EmbeddingModelChoice:
    id: int
    name: str
    dimension: int  # 0: whatever the provider returns (the first vector tells)
    usable: bool
    lexical: bool = False  # word hashing (builtin-hash), not meaning: retrieval leans on full text


class EmbeddingModelCatalog(Protocol):
    """Which embedding model a knowledge base may record: one by id, or the platform's default."""

    async def find_embedding(self, model_id: int | None) -> EmbeddingModelChoice | None:
        """The embedding model with this id (the default one for None); None when unknown,
        deleted, not an embedding model, or no default is set."""
        ...
