"""Datasets (knowledge bases), their documents and the slices cut from them.

A document's indexing runs as a job: `generation` counts (re)indexings, and slice ids are derived
from (document, generation, position), so a job that runs twice for the same generation (a worker
killed mid-document, a redelivered event) writes the same slices again instead of adding copies.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import IntEnum, StrEnum

from domain.knowledge.errors import DocumentNotReady
from domain.knowledge.parsed import FailureReason, FormatType, TableColumn
from domain.knowledge.values import ChunkingStrategy

MAX_NAME = 100
MAX_DESCRIPTION = 2000


class DatasetStatus(IntEnum):
    ENABLED = 1
    DISABLED = 3


class DocumentSource(IntEnum):
    """Coze's DocumentSourceType values for the sources served here."""

    LOCAL_FILE = 0
    WEB_PAGE = 1
    TEXT = 2


class DocumentStatus(StrEnum):
    QUEUED = "queued"  # the job is in the outbox or waiting for a worker
    PROCESSING = "processing"
    READY = "ready"
    FAILED = "failed"
    DISABLED = "disabled"  # kept but not retrieved


@dataclass(frozen=True, slots=True)
class Dataset:
    id: int
    space_id: int
    creator_id: int
    name: str
    description: str
    format: FormatType
    embedding_model_id: int  # the model instance its vectors come from
    dimension: int
    created_at: datetime
    updated_at: datetime
    icon_uri: str = ""
    status: DatasetStatus = DatasetStatus.ENABLED
    chunking: ChunkingStrategy = field(default_factory=ChunkingStrategy)
    # Set while the vectors are rebuilt for another model; searches keep using the old index.
    pending_model_id: int | None = None
    index_version: int = 1  # bumped when the vectors move to a new collection

    @property
    def collection(self) -> str:
        """Its vector collection and full-text index: one per dataset and index version."""
        return f"kb_{self.id}_v{self.index_version}"


@dataclass(frozen=True, slots=True)
class Progress:
    percent: int = 0
    slices_done: int = 0
    slices_total: int = 0


@dataclass(frozen=True, slots=True)
class Failure:
    reason: FailureReason
    detail: str


@dataclass(frozen=True, slots=True)
class Document:
    id: int
    dataset_id: int
    space_id: int
    creator_id: int
    name: str
    source: DocumentSource
    file_type: str  # extension: pdf, docx, txt, ..., or "text" for pasted text
    size: int
    created_at: datetime
    updated_at: datetime
    object_key: str = ""  # the original bytes in object storage ("" for none)
    url: str = ""  # web page documents: where it was fetched from
    status: DocumentStatus = DocumentStatus.QUEUED
    progress: Progress = field(default_factory=Progress)
    failure: Failure | None = None
    chunking: ChunkingStrategy = field(default_factory=ChunkingStrategy)
    generation: int = 1
    char_count: int = 0
    slice_count: int = 0
    hit_count: int = 0
    columns: tuple[TableColumn, ...] = ()  # table documents: the sheet's schema
    caption: str = ""  # image documents

    def queued(self, at: datetime) -> Document:
        """A new indexing round: the next generation, progress reset, failure cleared."""
        return replace(
            self,
            status=DocumentStatus.QUEUED,
            progress=Progress(),
            failure=None,
            generation=self.generation + 1,
            updated_at=at,
        )

    def require_ready(self) -> None:
        if self.status not in (DocumentStatus.READY, DocumentStatus.DISABLED):
            raise DocumentNotReady(status=self.status.value)


@dataclass(frozen=True, slots=True)
class Slice:
    id: str  # "<document>-<generation>-<position>"; stable across re-runs of one job
    document_id: int
    dataset_id: int
    space_id: int
    position: int  # 0-based order inside the document
    text: str
    heading_path: tuple[str, ...] = ()
    page: int | None = None
    generation: int = 1
    hit_count: int = 0
    edited: bool = False  # changed by hand since the job cut it
    row: tuple[str | None, ...] | None = None  # table documents: the row's cells (NL2SQL reads them)

    @staticmethod
    def slice_id(document_id: int, generation: int, position: int) -> str:
        return f"{document_id}-{generation}-{position}"
