"""Photos of image knowledge bases beyond their listing: several by id (Coze's photo detail) and a
caption suggested by the vision model for one (Coze's extract caption: returned, not saved; the
caller saves it with the caption route)."""

from __future__ import annotations

from collections.abc import Sequence

from application.common.actor import Actor, require_scope
from application.knowledge.access import KnowledgeAccess, KnowledgeAction
from application.knowledge.captions import ImageCaptioner
from domain.common.access import Scope
from domain.common.ports import UnitOfWorkFactory
from domain.common.storage import ObjectNotFound, ObjectStorage
from domain.knowledge.entities import Dataset, Document
from domain.knowledge.errors import (
    CaptionModelMissing,
    DatasetNotFound,
    DocumentNotFound,
    InvalidKnowledgeRequest,
    WrongFormat,
)
from domain.knowledge.parsed import FormatType
from domain.knowledge.ports import DocumentRepository

MAX_PHOTOS = 100


class PhotoService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        documents: DocumentRepository,
        access: KnowledgeAccess,
        storage: ObjectStorage,
        captioner: ImageCaptioner,
    ) -> None:
        self._uow, self._documents, self._access = uow, documents, access
        self._storage, self._captioner = storage, captioner

    async def detail(self, actor: Actor, dataset_id: int, document_ids: Sequence[int]) -> list[Document]:
        """The photos with these ids; one that is missing, elsewhere or in another dataset is
        DocumentNotFound."""
        require_scope(actor, Scope.KNOWLEDGE_READ)
        if not 1 <= len(document_ids) <= MAX_PHOTOS:
            raise InvalidKnowledgeRequest(detail=f"ask for 1..{MAX_PHOTOS} photos at a time")
        async with self._uow():
            _image_dataset(await self._access.dataset(actor, dataset_id, KnowledgeAction.READ))
            found = {d.id: d for d in await self._documents.get_many(document_ids)}
        if any(found.get(i) is None or found[i].dataset_id != dataset_id for i in document_ids):
            raise DocumentNotFound()
        return [found[i] for i in dict.fromkeys(document_ids)]

    async def available(self) -> bool:
        return await self._captioner.available()

    async def extract_caption(self, actor: Actor, document_id: int) -> str:
        """The vision model's caption of a photo, not stored. Asking costs model tokens and serves
        editing the caption, so it takes the right to change the knowledge base."""
        require_scope(actor, Scope.KNOWLEDGE_WRITE)
        async with self._uow():
            document = await self._documents.get(document_id)
            if document is None:
                raise DocumentNotFound()
            try:
                dataset = await self._access.dataset(actor, document.dataset_id, KnowledgeAction.UPDATE)
            except DatasetNotFound:  # another space's document answers like a missing one
                raise DocumentNotFound() from None
        _image_dataset(dataset)
        try:
            data = await self._storage.get(document.object_key)
        except ObjectNotFound:
            raise InvalidKnowledgeRequest(detail="the stored image is gone") from None
        caption = await self._captioner.caption(data, document.file_type)
        if caption is None:
            raise CaptionModelMissing()
        return caption


def _image_dataset(dataset: Dataset) -> None:
    if dataset.format is not FormatType.IMAGE:
        raise WrongFormat(detail="photos belong to image knowledge bases")
