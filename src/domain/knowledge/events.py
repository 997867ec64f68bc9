"""Facts of the knowledge context; they travel through the outbox to the indexing consumers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from domain.common.events import DomainEvent


@dataclass(frozen=True, slots=True)
class DocumentQueued(DomainEvent):
    """A document needs (re)indexing at this generation; older generations' jobs are stale."""

    topic: ClassVar[str] = "knowledge.document_queued"
    document_id: int
    generation: int


@dataclass(frozen=True, slots=True)
class SliceChanged(DomainEvent):
    """A slice was added or edited by hand (re-embed it) or deleted (remove it)."""

    topic: ClassVar[str] = "knowledge.slice_changed"
    dataset_id: int
    collection: str
    slice_id: str
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class KnowledgeRemoved(DomainEvent):
    """A document or a whole dataset is gone from the database: its index entries and stored files
    follow. `document_id` 0 means the whole collection."""

    topic: ClassVar[str] = "knowledge.removed"
    collection: str
    object_prefix: str
    document_id: int = 0


@dataclass(frozen=True, slots=True)
class EmbeddingModelChanged(DomainEvent):
    """A dataset is to move to another embedding model: its slices are embedded again into a new
    collection while the current one keeps serving, then the dataset switches over."""

    topic: ClassVar[str] = "knowledge.embedding_model_changed"
    dataset_id: int
    model_id: int
