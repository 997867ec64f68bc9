"""Slices by hand: list a document's slices, edit one, add one, delete one. A change re-indexes that
slice only (the SliceChanged consumer), never the whole document."""

from __future__ import annotations

from dataclasses import replace

from application.common.actor import Actor, require_scope
from application.knowledge.access import KnowledgeAccess, KnowledgeAction
from domain.common.access import Scope
from domain.common.ports import UnitOfWorkFactory
from domain.knowledge.entities import Dataset, Document, Slice
from domain.knowledge.errors import DatasetNotFound, DocumentNotFound, InvalidKnowledgeRequest, SliceNotFound
from domain.knowledge.events import SliceChanged
from domain.knowledge.ports import DocumentRepository, SliceRepository
from domain.knowledge.sheets import Cells, row_of_text

MAX_SLICE_CHARS = 10_000
MAX_PAGE_SIZE = 200


def _checked_text(text: str) -> str:
    if not text.strip() or len(text) > MAX_SLICE_CHARS:
        raise InvalidKnowledgeRequest(detail=f"a slice holds 1..{MAX_SLICE_CHARS} characters")
    return text


def _row(document: Document, text: str) -> Cells | None:
    """A table document's row as the edited text names its cells, so SQL sees what the slice says."""
    return row_of_text(document.columns, text) if document.columns else None


class SliceService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        documents: DocumentRepository,
        slices: SliceRepository,
        access: KnowledgeAccess,
    ) -> None:
        self._uow, self._documents, self._slices, self._access = uow, documents, slices, access

    async def page(self, actor: Actor, document_id: int, offset: int, size: int) -> tuple[list[Slice], int]:
        require_scope(actor, Scope.KNOWLEDGE_READ)
        if offset < 0 or not 1 <= size <= MAX_PAGE_SIZE:
            raise InvalidKnowledgeRequest(detail=f"offset >= 0; size is 1..{MAX_PAGE_SIZE}")
        async with self._uow():
            await self._document(actor, document_id, KnowledgeAction.READ)
            return await self._slices.page(document_id, offset, size)

    async def create(self, actor: Actor, document_id: int, text: str, position: int | None = None) -> Slice:
        require_scope(actor, Scope.KNOWLEDGE_WRITE)
        text = _checked_text(text)
        async with self._uow() as uow:
            dataset, document = await self._document(actor, document_id, KnowledgeAction.UPDATE, lock=True)
            document.require_ready()
            at = await self._slices.next_position(document.id) if position is None else position
            # Hand-made slices belong to the document's current generation but never clash with the
            # job's ids: the job's positions are below next_position at the time they are added.
            added = Slice(
                f"{Slice.slice_id(document.id, document.generation, at)}-m",
                document.id,
                dataset.id,
                dataset.space_id,
                at,
                text,
                generation=document.generation,
                edited=True,
                row=_row(document, text),
            )
            await self._slices.add(added)
            await self._documents.save(
                replace(
                    document, slice_count=document.slice_count + 1, char_count=document.char_count + len(text)
                )
            )
            uow.record(SliceChanged(dataset.id, dataset.collection, added.id))
            await uow.commit()
        return added

    async def update(self, actor: Actor, slice_id: str, text: str) -> Slice:
        require_scope(actor, Scope.KNOWLEDGE_WRITE)
        text = _checked_text(text)
        async with self._uow() as uow:
            found = await self._slices.get(slice_id)
            if found is None:
                raise SliceNotFound()
            dataset, document = await self._slice_document(actor, found)
            document.require_ready()
            changed = replace(found, text=text, edited=True, row=_row(document, text))
            await self._slices.save(changed)
            await self._documents.save(
                replace(document, char_count=max(0, document.char_count - len(found.text) + len(text)))
            )
            uow.record(SliceChanged(dataset.id, dataset.collection, changed.id))
            await uow.commit()
        return changed

    async def delete(self, actor: Actor, slice_id: str) -> None:
        require_scope(actor, Scope.KNOWLEDGE_WRITE)
        async with self._uow() as uow:
            found = await self._slices.get(slice_id)
            if found is None:
                raise SliceNotFound()
            dataset, document = await self._slice_document(actor, found)
            document.require_ready()
            await self._slices.delete(found.id)
            await self._documents.save(
                replace(
                    document,
                    slice_count=max(0, document.slice_count - 1),
                    char_count=max(0, document.char_count - len(found.text)),
                )
            )
            uow.record(SliceChanged(dataset.id, dataset.collection, found.id, deleted=True))
            await uow.commit()

    async def _slice_document(self, actor: Actor, found: Slice) -> tuple[Dataset, Document]:
        try:
            return await self._document(actor, found.document_id, KnowledgeAction.UPDATE, lock=True)
        except DocumentNotFound:
            raise SliceNotFound() from None

    async def _document(
        self, actor: Actor, document_id: int, action: KnowledgeAction, *, lock: bool = False
    ) -> tuple[Dataset, Document]:
        document = await self._documents.get(document_id, for_update=lock)
        if document is None:
            raise DocumentNotFound()
        try:
            dataset = await self._access.dataset(actor, document.dataset_id, action)
        except DatasetNotFound:
            raise DocumentNotFound() from None
        return dataset, document
