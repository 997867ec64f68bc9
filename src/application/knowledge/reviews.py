"""Document reviews (docs/adr/0059): review/create cuts each document as the indexing job would and
keeps the result for REVIEW_TTL; mget reads reviews back, save replaces their slices, and
document/create with a review id adds the document with exactly those slices.

Objects first, then the row: a review whose row did not commit leaves objects under its own prefix,
which nothing reads; expired reviews are swept (rows and their prefix) by each review/create, a
bounded batch at a time, so what one call adds is outweighed by what it may remove.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from application.common.actor import Actor, require_scope
from application.knowledge.access import KnowledgeAccess, KnowledgeAction
from application.knowledge.cutting import cut
from application.knowledge.datasets import object_prefix
from application.knowledge.inputs import MAX_DOCUMENTS_PER_CALL, DocumentInput, content_type
from application.knowledge.review_chunks import JSON_TYPE, decoded, encoded
from application.knowledge.slices import MAX_SLICE_CHARS
from application.knowledge.sources import SourceReader
from domain.common.access import Scope
from domain.common.ports import Clock, IdGenerator, UnitOfWorkFactory
from domain.common.storage import LinkMethod, ObjectNotFound, ObjectStorage
from domain.knowledge.entities import Dataset
from domain.knowledge.errors import InvalidKnowledgeRequest, WrongFormat
from domain.knowledge.parsed import DocumentParser, FormatType, ParseLimits
from domain.knowledge.reviews import REVIEW_TTL, Review, ReviewNotFound, ReviewRepository, ReviewSlice
from domain.knowledge.values import ChunkingStrategy

log = logging.getLogger("cozeplus.knowledge")

MAX_REVIEW_SLICES = 10_000  # what one review keeps (and one save may send back)
MAX_IDS = 100
SWEEP_BATCH = 100
LINK_TTL = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class ReviewView:
    review: Review
    slices: list[ReviewSlice]


@dataclass(frozen=True, slots=True)
class Reviewed:
    """What document/create takes from a review: the row, the bytes ("" source: none) and slices."""

    review: Review
    data: bytes | None
    slices: list[ReviewSlice]


def review_prefix(dataset_id: int, review_id: int) -> str:
    return f"{object_prefix(dataset_id)}reviews/{review_id}/"


class ReviewService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        reviews: ReviewRepository,
        access: KnowledgeAccess,
        sources: SourceReader,
        parser: DocumentParser,
        storage: ObjectStorage,
        limits: ParseLimits,
        ids: IdGenerator,
        clock: Clock,
    ) -> None:
        self._uow, self._reviews, self._access, self._sources = uow, reviews, access, sources
        self._parser, self._storage, self._limits, self._ids, self._clock = (
            parser,
            storage,
            limits,
            ids,
            clock,
        )

    async def create(
        self,
        actor: Actor,
        dataset_id: int,
        inputs: Sequence[DocumentInput],
        chunking: ChunkingStrategy | None,
    ) -> list[ReviewView]:
        """ParseFailed (400) says why a document would fail, exactly as the job would."""
        require_scope(actor, Scope.KNOWLEDGE_WRITE)
        if not 1 <= len(inputs) <= MAX_DOCUMENTS_PER_CALL:
            raise InvalidKnowledgeRequest(detail=f"review 1..{MAX_DOCUMENTS_PER_CALL} documents at a time")
        async with self._uow():
            dataset = await self._access.dataset(actor, dataset_id, KnowledgeAction.UPDATE)
        if dataset.format is not FormatType.TEXT:
            raise WrongFormat(detail="the segmentation preview is for text knowledge bases")
        await self.sweep()
        strategy = chunking or dataset.chunking
        made: list[tuple[Review, list[ReviewSlice]]] = []
        stored: list[str] = []
        try:
            for given in inputs:
                review, slices = await self._cut(actor, dataset, given, strategy)
                made.append((review, slices))
                stored.extend(k for k in (review.source_key, review.chunks_key) if k)
            async with self._uow() as uow:
                await self._access.dataset(actor, dataset_id, KnowledgeAction.UPDATE)
                for review, _ in made:
                    await self._reviews.add(review)
                await uow.commit()
        except BaseException:
            for key in stored:  # nothing half-written: without the rows, the objects go too
                await self._storage.delete(key)
            raise
        return [ReviewView(r, s) for r, s in made]

    async def _cut(
        self, actor: Actor, dataset: Dataset, given: DocumentInput, chunking: ChunkingStrategy
    ) -> tuple[Review, list[ReviewSlice]]:
        source = await self._sources.read(actor, dataset.format, given)
        chunks, _ = await cut(self._parser, source.data, source.file_type, chunking, self._limits)
        if len(chunks) > MAX_REVIEW_SLICES:
            raise InvalidKnowledgeRequest(
                detail=f"{source.name}: {len(chunks)} slices are more than a review keeps "
                f"({MAX_REVIEW_SLICES}); add the document without a review"
            )
        slices = [ReviewSlice(str(i), c.text, c.heading_path, c.page) for i, c in enumerate(chunks)]
        review_id, now = self._ids.next_id(), self._clock.now()
        prefix = review_prefix(dataset.id, review_id)
        source_key = "" if source.url else f"{prefix}source"
        if source_key:
            await self._storage.put(source_key, source.data, content_type=content_type(source.file_type))
        chunks_key = await self._put_slices(prefix, slices)
        review = Review(
            id=review_id,
            dataset_id=dataset.id,
            space_id=dataset.space_id,
            creator_id=actor.user_id,
            name=source.name,
            file_type=source.file_type,
            source=source.kind,
            chunking=chunking,
            created_at=now,
            expires_at=now + REVIEW_TTL,
            updated_at=now,
            url=source.url,
            source_key=source_key,
            chunks_key=chunks_key,
            slice_count=len(slices),
            char_count=sum(len(s.text) for s in slices),
            size=0 if source.url else len(source.data),
        )
        return review, slices

    async def _put_slices(self, prefix: str, slices: Sequence[ReviewSlice]) -> str:
        key = f"{prefix}chunks-{self._ids.next_id()}.json"  # a new name per save: no torn reads
        await self._storage.put(key, encoded(slices), content_type=JSON_TYPE)
        return key

    async def get_many(self, actor: Actor, dataset_id: int, review_ids: Sequence[int]) -> list[ReviewView]:
        require_scope(actor, Scope.KNOWLEDGE_READ)
        if not 1 <= len(review_ids) <= MAX_IDS:
            raise InvalidKnowledgeRequest(detail=f"name 1..{MAX_IDS} reviews")
        async with self._uow():
            await self._dataset(actor, dataset_id, KnowledgeAction.READ)
            found = {r.id: r for r in await self._reviews.get_many(review_ids)}
        now = self._clock.now()
        views = []
        for review_id in review_ids:
            review = found.get(review_id)
            if review is None or review.dataset_id != dataset_id or review.expired(now):
                raise ReviewNotFound()
            views.append(ReviewView(review, await self._slices(review)))
        return views

    async def save(
        self,
        actor: Actor,
        dataset_id: int,
        review_id: int,
        *,
        slices: Sequence[tuple[str | None, str]] | None = None,
        edits: dict[str, str] | None = None,
    ) -> ReviewView:
        """`slices` replaces the whole list (Coze's doc tree: an id keeps its slice's heading and
        page, none makes a new slice); `edits` replaces the texts of the slices it names. One of the
        two, checked once the review is known to be the caller's."""
        require_scope(actor, Scope.KNOWLEDGE_WRITE)
        async with self._uow():
            review = await self._review(actor, dataset_id, review_id, KnowledgeAction.UPDATE)
        if (slices is None) == (edits is None):
            raise InvalidKnowledgeRequest(detail="send either doc_tree_json or slices")
        current = await self._slices(review)
        changed = _edited(current, edits) if edits is not None else _replaced(current, slices or ())
        key = await self._put_slices(review_prefix(review.dataset_id, review.id), changed)
        try:
            async with self._uow() as uow:
                latest = await self._review(actor, dataset_id, review_id, KnowledgeAction.UPDATE, lock=True)
                saved = replace(
                    latest,
                    chunks_key=key,
                    slice_count=len(changed),
                    char_count=sum(len(s.text) for s in changed),
                    updated_at=self._clock.now(),
                )
                await self._reviews.save(saved)
                await uow.commit()
        except BaseException:
            await self._storage.delete(key)
            raise
        await self._forget(latest.chunks_key)
        return ReviewView(saved, changed)

    async def reviewed(self, actor: Actor, dataset: Dataset, review_id: int) -> Reviewed:
        """For document/create: the caller may already change `dataset`."""
        async with self._uow():
            review = await self._reviews.get(review_id)
        if review is None or review.dataset_id != dataset.id or review.expired(self._clock.now()):
            raise ReviewNotFound()
        data = None
        if review.source_key:
            try:
                data = await self._storage.get(review.source_key)
            except ObjectNotFound:
                raise ReviewNotFound() from None
        return Reviewed(review, data, await self._slices(review))

    async def link(self, key: str) -> str:
        """A signed, expiring link to one of a review's objects; "" for none."""
        return await self._storage.presign(LinkMethod.GET, key, LINK_TTL) if key else ""

    async def sweep(self) -> int:
        """Remove up to SWEEP_BATCH expired reviews: their objects, then their rows."""
        async with self._uow():
            expired = await self._reviews.expired(self._clock.now(), SWEEP_BATCH)
        for review in expired:
            await self._delete_prefix(review_prefix(review.dataset_id, review.id))
        if expired:
            async with self._uow() as uow:
                await self._reviews.delete([r.id for r in expired])
                await uow.commit()
        return len(expired)

    async def _dataset(self, actor: Actor, dataset_id: int, action: KnowledgeAction) -> Dataset:
        return await self._access.dataset(actor, dataset_id, action)

    async def _review(
        self, actor: Actor, dataset_id: int, review_id: int, action: KnowledgeAction, *, lock: bool = False
    ) -> Review:
        await self._dataset(actor, dataset_id, action)
        review = await self._reviews.get(review_id, for_update=lock)
        if review is None or review.dataset_id != dataset_id or review.expired(self._clock.now()):
            raise ReviewNotFound()
        return review

    async def _slices(self, review: Review) -> list[ReviewSlice]:
        try:
            return decoded(await self._storage.get(review.chunks_key))
        except ObjectNotFound:  # swept meanwhile: the review is gone
            raise ReviewNotFound() from None

    async def _forget(self, key: str) -> None:
        try:
            await self._storage.delete(key)
        except Exception as exc:  # left under the review's prefix; the sweep takes it with the rest
            log.warning("knowledge_review_object_left key=%s error=%s", key, type(exc).__name__)

    async def _delete_prefix(self, prefix: str) -> None:
        page = await self._storage.list(prefix, limit=1000)
        for item in page.objects:
            await self._forget(item.key)


def _checked(slices: list[ReviewSlice]) -> list[ReviewSlice]:
    if not 1 <= len(slices) <= MAX_REVIEW_SLICES:
        raise InvalidKnowledgeRequest(detail=f"a review keeps 1..{MAX_REVIEW_SLICES} slices")
    for s in slices:
        if not s.text.strip() or len(s.text) > MAX_SLICE_CHARS:
            raise InvalidKnowledgeRequest(detail=f"a slice holds 1..{MAX_SLICE_CHARS} characters")
    return slices


def _edited(current: list[ReviewSlice], edits: dict[str, str]) -> list[ReviewSlice]:
    unknown = sorted(set(edits) - {s.id for s in current})
    if unknown:
        raise InvalidKnowledgeRequest(detail=f"the review has no slice {unknown[0]!r}")
    return _checked([replace(s, text=edits[s.id]) if s.id in edits else s for s in current])


def _replaced(current: list[ReviewSlice], given: Sequence[tuple[str | None, str]]) -> list[ReviewSlice]:
    known = {s.id: s for s in current}
    numbers = [int(i) for i in known if i.isdigit()]
    fresh = max(numbers, default=-1) + 1
    seen: set[str] = set()
    result = []
    for slice_id, text in given:
        if slice_id is not None and slice_id in seen:
            raise InvalidKnowledgeRequest(detail=f"slice {slice_id!r} is listed twice")
        if slice_id is not None and slice_id in known:
            result.append(replace(known[slice_id], text=text))
            seen.add(slice_id)
        else:  # a slice the person added: it gets the next free id
            result.append(ReviewSlice(str(fresh), text))
            fresh += 1
    return _checked(result)
