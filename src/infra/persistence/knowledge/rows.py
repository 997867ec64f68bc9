"""Tables of the knowledge context: datasets, documents, slices.

A slice's text lives here (the source of truth); the vector store and the full-text index hold
copies that the indexing job rebuilds from these rows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from domain.knowledge.entities import (
    Dataset,
    DatasetStatus,
    Document,
    DocumentSource,
    DocumentStatus,
    Failure,
    Progress,
    Slice,
)
from domain.knowledge.parsed import ColumnType, FailureReason, FormatType, TableColumn
from domain.knowledge.values import ChunkingMode, ChunkingStrategy
from infra.persistence.base import Base, Int64, Json, UtcDateTime


def chunking_json(strategy: ChunkingStrategy) -> dict[str, Any]:
    return {
        "mode": strategy.mode.value,
        "chunk_size": strategy.chunk_size,
        "separator": strategy.separator,
        "overlap": strategy.overlap,
        "trim_spaces": strategy.trim_spaces,
        "strip_urls_emails": strategy.strip_urls_emails,
        "max_depth": strategy.max_depth,
        "keep_headings": strategy.keep_headings,
    }


def chunking_of(data: Any) -> ChunkingStrategy:
    if not isinstance(data, dict):
        return ChunkingStrategy()
    return ChunkingStrategy(
        mode=ChunkingMode(data.get("mode", "auto")),
        chunk_size=int(data.get("chunk_size", 800)),
        separator=str(data.get("separator", "\n\n")),
        overlap=int(data.get("overlap", 0)),
        trim_spaces=bool(data.get("trim_spaces", True)),
        strip_urls_emails=bool(data.get("strip_urls_emails", False)),
        max_depth=int(data.get("max_depth", 3)),
        keep_headings=bool(data.get("keep_headings", True)),
    )


class DatasetRow(Base):
    __tablename__ = "knowledge_dataset"
    __table_args__ = (Index("ix_knowledge_dataset_space_id_updated_at", "space_id", "updated_at"),)

    id: Mapped[int] = mapped_column(Int64, primary_key=True, autoincrement=False)
    space_id: Mapped[int] = mapped_column(Int64, ForeignKey("space.id", ondelete="CASCADE"))
    creator_id: Mapped[int] = mapped_column(Int64)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(String(2000))
    format: Mapped[int] = mapped_column(Integer)
    icon_uri: Mapped[str] = mapped_column(String(1024))
    status: Mapped[int] = mapped_column(Integer)
    embedding_model_id: Mapped[int] = mapped_column(Int64)
    dimension: Mapped[int] = mapped_column(Integer)
    pending_model_id: Mapped[int | None] = mapped_column(Int64, nullable=True)
    index_version: Mapped[int] = mapped_column(Integer)
    chunking: Mapped[Any] = mapped_column(Json)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    def to_entity(self) -> Dataset:
        return Dataset(
            id=self.id,
            space_id=self.space_id,
            creator_id=self.creator_id,
            name=self.name,
            description=self.description,
            format=FormatType(self.format),
            embedding_model_id=self.embedding_model_id,
            dimension=self.dimension,
            created_at=self.created_at,
            updated_at=self.updated_at,
            icon_uri=self.icon_uri,
            status=DatasetStatus(self.status),
            chunking=chunking_of(self.chunking),
            pending_model_id=self.pending_model_id,
            index_version=self.index_version,
        )


def dataset_values(d: Dataset) -> dict[str, Any]:
    return {
        "space_id": d.space_id,
        "creator_id": d.creator_id,
        "name": d.name,
        "description": d.description,
        "format": int(d.format),
        "icon_uri": d.icon_uri,
        "status": int(d.status),
        "embedding_model_id": d.embedding_model_id,
        "dimension": d.dimension,
        "pending_model_id": d.pending_model_id,
        "index_version": d.index_version,
        "chunking": chunking_json(d.chunking),
        "created_at": d.created_at,
        "updated_at": d.updated_at,
    }


class DocumentRow(Base):
    __tablename__ = "knowledge_document"
    __table_args__ = (Index("ix_knowledge_document_dataset_id_created_at", "dataset_id", "created_at"),)

    id: Mapped[int] = mapped_column(Int64, primary_key=True, autoincrement=False)
    dataset_id: Mapped[int] = mapped_column(Int64, ForeignKey("knowledge_dataset.id", ondelete="CASCADE"))
    space_id: Mapped[int] = mapped_column(Int64)
    creator_id: Mapped[int] = mapped_column(Int64)
    name: Mapped[str] = mapped_column(String(255))
    source: Mapped[int] = mapped_column(Integer)
    file_type: Mapped[str] = mapped_column(String(16))
    size: Mapped[int] = mapped_column(Int64)
    object_key: Mapped[str] = mapped_column(String(512))
    url: Mapped[str] = mapped_column(String(2048))
    status: Mapped[str] = mapped_column(String(16))
    progress_percent: Mapped[int] = mapped_column(Integer)
    slices_done: Mapped[int] = mapped_column(Integer)
    slices_total: Mapped[int] = mapped_column(Integer)
    failure_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)
    failure_detail: Mapped[str] = mapped_column(String(1000))
    chunking: Mapped[Any] = mapped_column(Json)
    generation: Mapped[int] = mapped_column(Integer)
    char_count: Mapped[int] = mapped_column(Int64)
    slice_count: Mapped[int] = mapped_column(Integer)
    hit_count: Mapped[int] = mapped_column(Integer)
    columns: Mapped[Any] = mapped_column(Json)
    caption: Mapped[str] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    def to_entity(self) -> Document:
        failure = None
        if self.failure_reason is not None:
            failure = Failure(FailureReason(self.failure_reason), self.failure_detail)
        return Document(
            id=self.id,
            dataset_id=self.dataset_id,
            space_id=self.space_id,
            creator_id=self.creator_id,
            name=self.name,
            source=DocumentSource(self.source),
            file_type=self.file_type,
            size=self.size,
            created_at=self.created_at,
            updated_at=self.updated_at,
            object_key=self.object_key,
            url=self.url,
            status=DocumentStatus(self.status),
            progress=Progress(self.progress_percent, self.slices_done, self.slices_total),
            failure=failure,
            chunking=chunking_of(self.chunking),
            generation=self.generation,
            char_count=self.char_count,
            slice_count=self.slice_count,
            hit_count=self.hit_count,
            columns=tuple(
                TableColumn(str(c.get("name", "")), ColumnType(c.get("type", "string")))
                for c in (self.columns or [])
                if isinstance(c, dict)
            ),
            caption=self.caption,
        )


def document_values(d: Document) -> dict[str, Any]:
    return {
        "dataset_id": d.dataset_id,
        "space_id": d.space_id,
        "creator_id": d.creator_id,
        "name": d.name,
        "source": int(d.source),
        "file_type": d.file_type,
        "size": d.size,
        "object_key": d.object_key,
        "url": d.url,
        "status": d.status.value,
        "progress_percent": d.progress.percent,
        "slices_done": d.progress.slices_done,
        "slices_total": d.progress.slices_total,
        "failure_reason": None if d.failure is None else d.failure.reason.value,
        "failure_detail": "" if d.failure is None else d.failure.detail[:1000],
        "chunking": chunking_json(d.chunking),
        "generation": d.generation,
        "char_count": d.char_count,
        "slice_count": d.slice_count,
        "hit_count": d.hit_count,
        "columns": [{"name": c.name, "type": c.type.value} for c in d.columns],
        "caption": d.caption,
        "created_at": d.created_at,
        "updated_at": d.updated_at,
    }


class SliceRow(Base):
    __tablename__ = "knowledge_slice"
    __table_args__ = (Index("ix_knowledge_slice_document_id_position", "document_id", "position"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    document_id: Mapped[int] = mapped_column(Int64, ForeignKey("knowledge_document.id", ondelete="CASCADE"))
    dataset_id: Mapped[int] = mapped_column(Int64)
    space_id: Mapped[int] = mapped_column(Int64)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    heading_path: Mapped[Any] = mapped_column(Json)
    page: Mapped[int | None] = mapped_column(Integer, nullable=True)
    generation: Mapped[int] = mapped_column(Integer)
    hit_count: Mapped[int] = mapped_column(Integer)
    edited: Mapped[bool] = mapped_column(Boolean)
    cells: Mapped[Any] = mapped_column(Json, nullable=True)  # a table row's cells

    def to_entity(self) -> Slice:
        return Slice(
            id=self.id,
            document_id=self.document_id,
            dataset_id=self.dataset_id,
            space_id=self.space_id,
            position=self.position,
            text=self.text,
            heading_path=tuple(str(h) for h in (self.heading_path or [])),
            page=self.page,
            generation=self.generation,
            hit_count=self.hit_count,
            edited=self.edited,
            row=None if self.cells is None else tuple(self.cells),
        )


def slice_values(s: Slice) -> dict[str, Any]:
    return {
        "id": s.id,
        "document_id": s.document_id,
        "dataset_id": s.dataset_id,
        "space_id": s.space_id,
        "position": s.position,
        "text": s.text,
        "heading_path": list(s.heading_path),
        "page": s.page,
        "generation": s.generation,
        "hit_count": s.hit_count,
        "edited": s.edited,
        "cells": None if s.row is None else list(s.row),
    }
