"""What the knowledge context needs from the outside: its repositories (inside a unit of work) and
the slice index, which keeps each dataset's slices searchable in the vector store and the full-text
index together."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from domain.knowledge.entities import Dataset, Document, DocumentStatus, Slice
from domain.knowledge.parsed import FormatType
from domain.knowledge.sheets import Cells


@dataclass(frozen=True, slots=True)
class DatasetQuery:
    space_id: int
    name: str = ""  # substring, case-insensitive
    format: FormatType | None = None
    page: int = 1
    size: int = 20


class DatasetRepository(Protocol):
    async def add(self, dataset: Dataset) -> None: ...

    async def get(self, dataset_id: int, *, for_update: bool = False) -> Dataset | None:
        """None when missing or deleted."""
        ...

    async def save(self, dataset: Dataset) -> None: ...

    async def delete(self, dataset_id: int) -> None:
        """Its documents and slices go with it."""
        ...

    async def page(self, query: DatasetQuery) -> tuple[list[Dataset], int]: ...


@dataclass(frozen=True, slots=True)
class DatasetTotals:
    documents: int = 0
    slices: int = 0
    bytes: int = 0
    hits: int = 0
    processing: tuple[int, ...] = ()  # ids of documents still queued or processing
    failed: tuple[int, ...] = ()


class DocumentRepository(Protocol):
    async def add(self, document: Document) -> None: ...

    async def get(self, document_id: int, *, for_update: bool = False) -> Document | None: ...

    async def get_many(self, document_ids: Sequence[int]) -> list[Document]: ...

    async def save(self, document: Document) -> None: ...

    async def delete(self, document_id: int) -> None:
        """Its slices go with it."""
        ...

    async def page(
        self, dataset_id: int, page: int, size: int, *, keyword: str = "", has_caption: bool | None = None
    ) -> tuple[list[Document], int]:
        """Newest first; `keyword` matches the name or the caption (case-insensitive)."""
        ...

    async def in_dataset(self, dataset_id: int) -> list[Document]: ...

    async def totals(self, dataset_ids: Sequence[int]) -> dict[int, DatasetTotals]: ...

    async def count_with_status(self, dataset_id: int, statuses: Sequence[DocumentStatus]) -> int: ...


class SliceRepository(Protocol):
    async def replace_generation(self, document_id: int, generation: int, slices: Sequence[Slice]) -> None:
        """Make `slices` the document's slices: rows of other generations go, rows of this one are
        written again (same ids), so running a job twice leaves one copy."""
        ...

    async def add(self, slice_: Slice) -> None: ...

    async def get(self, slice_id: str) -> Slice | None: ...

    async def get_many(self, slice_ids: Sequence[str]) -> list[Slice]: ...

    async def save(self, slice_: Slice) -> None: ...

    async def delete(self, slice_id: str) -> None: ...

    async def page(self, document_id: int, offset: int, size: int) -> tuple[list[Slice], int]: ...

    async def of_document(self, document_id: int) -> list[Slice]: ...

    async def next_position(self, document_id: int) -> int: ...

    async def cells_of(self, document_ids: Sequence[int]) -> dict[int, list[Cells]]:
        """The table rows of each document that has some, in slice order."""
        ...

    async def count_hits(self, slice_ids: Sequence[str]) -> None: ...


@dataclass(frozen=True, slots=True)
class IndexedSlice:
    id: str
    document_id: int
    generation: int
    text: str
    vector: Sequence[float]


@dataclass(frozen=True, slots=True)
class IndexHit:
    slice_id: str
    document_id: int
    score: float  # higher is better; comparable only within one list


class SliceIndex(Protocol):
    """The vector collection and full-text index of one dataset (named by `Dataset.collection`)."""

    async def ensure(self, collection: str, dimension: int) -> None:
        """Create both when missing (idempotent)."""
        ...

    async def write(self, collection: str, slices: Sequence[IndexedSlice]) -> None:
        """Insert or overwrite by slice id, in both stores."""
        ...

    async def remove(self, collection: str, slice_ids: Sequence[str]) -> None: ...

    async def remove_document(
        self, collection: str, document_id: int, *, except_generation: int | None = None
    ) -> None:
        """Every slice of the document (but those of `except_generation`, the one just written)."""
        ...

    async def drop(self, collection: str) -> None:
        """Both stores' data of the collection; no error when already gone."""
        ...

    async def semantic(
        self, collection: str, vector: Sequence[float], top_k: int, documents: Sequence[int] | None
    ) -> list[IndexHit]: ...

    async def full_text(
        self, collection: str, query: str, top_k: int, documents: Sequence[int] | None
    ) -> list[IndexHit]: ...
