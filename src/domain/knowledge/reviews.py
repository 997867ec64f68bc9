"""Document reviews (Coze's "review"): a document cut into slices before it is added, kept for a
while so the person can read and edit the slices, then commit exactly those (docs/adr/0059).

A review's row holds what it is about; the source bytes and the slices (JSON) are objects under the
dataset's prefix in object storage, so a deleted dataset takes them with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum
from typing import Protocol

from domain.common.errors import NotFound
from domain.knowledge.entities import DocumentSource
from domain.knowledge.values import ChunkingStrategy

REVIEW_TTL = timedelta(hours=24)


class ReviewNotFound(NotFound):
    """Unknown, expired, of another dataset, or of a space the caller cannot see: all alike."""

    message_key = "knowledge.review_not_found"


class ReviewStatus(IntEnum):
    """Coze's ReviewStatus. Reviews are cut while the request waits, so a stored one is ready."""

    PROCESSING = 0
    READY = 1
    FAILED = 2


@dataclass(frozen=True, slots=True)
class Review:
    id: int
    dataset_id: int
    space_id: int
    creator_id: int
    name: str
    file_type: str
    source: DocumentSource
    chunking: ChunkingStrategy
    created_at: datetime
    expires_at: datetime
    updated_at: datetime
    url: str = ""  # web pages: fetched again when the document is indexed later (re-segmenting)
    source_key: str = ""  # the bytes as reviewed ("" for a web page)
    chunks_key: str = ""  # the slices as last saved
    status: ReviewStatus = ReviewStatus.READY
    slice_count: int = 0
    char_count: int = 0
    size: int = 0

    def expired(self, now: datetime) -> bool:
        return now >= self.expires_at


class ReviewRepository(Protocol):
    async def add(self, review: Review) -> None: ...

    async def get(self, review_id: int, *, for_update: bool = False) -> Review | None: ...

    async def get_many(self, review_ids: Sequence[int]) -> list[Review]: ...

    async def save(self, review: Review) -> None: ...

    async def expired(self, now: datetime, limit: int) -> list[Review]:
        """The oldest reviews past their expiry, at most `limit`."""
        ...

    async def delete(self, review_ids: Sequence[int]) -> None: ...


@dataclass(frozen=True, slots=True)
class ReviewSlice:
    """One slice of a review; `id` stays with it across saves so edits can name it."""

    id: str
    text: str
    heading_path: tuple[str, ...] = ()
    page: int | None = None
