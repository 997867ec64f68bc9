"""Document reviews (domain/knowledge/reviews.py): one row each; the bytes and slices are objects.

No foreign key to the dataset: a review of a deleted dataset answers not found (its dataset is gone)
and the expiry sweep removes the row, like any other expired one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String, delete, select, update
from sqlalchemy.orm import Mapped, mapped_column

from domain.knowledge.entities import DocumentSource
from domain.knowledge.reviews import Review, ReviewStatus
from infra.persistence.base import Base, Int64, Json, UtcDateTime
from infra.persistence.knowledge.rows import chunking_json, chunking_of
from infra.persistence.uow import current_session


class ReviewRow(Base):
    __tablename__ = "knowledge_document_review"
    __table_args__ = (
        Index("ix_knowledge_document_review_expires_at", "expires_at"),
        Index("ix_knowledge_document_review_dataset_id", "dataset_id"),
    )

    id: Mapped[int] = mapped_column(Int64, primary_key=True, autoincrement=False)
    dataset_id: Mapped[int] = mapped_column(Int64)
    space_id: Mapped[int] = mapped_column(Int64)
    creator_id: Mapped[int] = mapped_column(Int64)
    name: Mapped[str] = mapped_column(String(255))
    file_type: Mapped[str] = mapped_column(String(16))
    source: Mapped[int] = mapped_column(Integer)
    url: Mapped[str] = mapped_column(String(2048))
    source_key: Mapped[str] = mapped_column(String(512))
    chunks_key: Mapped[str] = mapped_column(String(512))
    chunking: Mapped[Any] = mapped_column(Json)
    status: Mapped[int] = mapped_column(Integer)
    slice_count: Mapped[int] = mapped_column(Integer)
    char_count: Mapped[int] = mapped_column(Int64)
    size: Mapped[int] = mapped_column(Int64)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)

    def to_entity(self) -> Review:
        return Review(
            id=self.id,
            dataset_id=self.dataset_id,
            space_id=self.space_id,
            creator_id=self.creator_id,
            name=self.name,
            file_type=self.file_type,
            source=DocumentSource(self.source),
            chunking=chunking_of(self.chunking),
            created_at=self.created_at,
            expires_at=self.expires_at,
            updated_at=self.updated_at,
            url=self.url,
            source_key=self.source_key,
            chunks_key=self.chunks_key,
            status=ReviewStatus(self.status),
            slice_count=self.slice_count,
            char_count=self.char_count,
            size=self.size,
        )


def review_values(r: Review) -> dict[str, Any]:
    return {
        "dataset_id": r.dataset_id,
        "space_id": r.space_id,
        "creator_id": r.creator_id,
        "name": r.name,
        "file_type": r.file_type,
        "source": int(r.source),
        "url": r.url,
        "source_key": r.source_key,
        "chunks_key": r.chunks_key,
        "chunking": chunking_json(r.chunking),
        "status": int(r.status),
        "slice_count": r.slice_count,
        "char_count": r.char_count,
        "size": r.size,
        "created_at": r.created_at,
        "updated_at": r.updated_at,
        "expires_at": r.expires_at,
    }


class SqlReviewRepository:
    async def add(self, review: Review) -> None:
        current_session().add(ReviewRow(id=review.id, **review_values(review)))

    async def get(self, review_id: int, *, for_update: bool = False) -> Review | None:
        query = select(ReviewRow).where(ReviewRow.id == review_id)
        if for_update:
            query = query.with_for_update()
        row = (await current_session().execute(query)).scalar_one_or_none()
        return None if row is None else row.to_entity()

    async def get_many(self, review_ids: Sequence[int]) -> list[Review]:
        if not review_ids:
            return []
        rows = await current_session().execute(select(ReviewRow).where(ReviewRow.id.in_(list(review_ids))))
        return [r.to_entity() for r in rows.scalars()]

    async def save(self, review: Review) -> None:
        await current_session().execute(
            update(ReviewRow).where(ReviewRow.id == review.id).values(review_values(review))
        )

    async def expired(self, now: datetime, limit: int) -> list[Review]:
        rows = await current_session().execute(
            select(ReviewRow).where(ReviewRow.expires_at <= now).order_by(ReviewRow.expires_at).limit(limit)
        )
        return [r.to_entity() for r in rows.scalars()]

    async def delete(self, review_ids: Sequence[int]) -> None:
        if review_ids:
            await current_session().execute(delete(ReviewRow).where(ReviewRow.id.in_(list(review_ids))))
