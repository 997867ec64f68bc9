"""What the model-management context offers others: which chat models exist and may be named,
which embedding model a knowledge base records and which chat model may be shown images."""

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


@dataclass(frozen=True, slots=True)
class VisionModelChoice:
    id: int
    name: str


class VisionModelCatalog(Protocol):
    """Which chat model may be shown images (image captions of knowledge bases)."""

    async def find_vision(self) -> VisionModelChoice | None:
        """The default chat model when it takes images, else the first active chat model that does
        (by name); None when no active chat model is marked as taking image input."""
        ...
