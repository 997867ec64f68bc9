"""Knowledge bases: create, read, list, update, delete (the index and files follow via the outbox)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from application.common.actor import Actor, require_scope
from application.knowledge.access import KnowledgeAccess, KnowledgeAction
from crossdomain.audit import AuditRecorder, AuditResult
from crossdomain.modelmgr import EmbeddingModelCatalog
from domain.common.access import Scope
from domain.common.llm import ModelRuntime
from domain.common.ports import Clock, IdGenerator, UnitOfWorkFactory
from domain.knowledge.entities import MAX_DESCRIPTION, MAX_NAME, Dataset, DatasetStatus
from domain.knowledge.errors import InvalidKnowledgeRequest, KnowledgeActionDenied
from domain.knowledge.events import EmbeddingModelChanged, KnowledgeRemoved
from domain.knowledge.parsed import FormatType
from domain.knowledge.ports import DatasetQuery, DatasetRepository, DatasetTotals, DocumentRepository
from domain.knowledge.values import ChunkingStrategy

MAX_PAGE_SIZE = 100


def object_prefix(dataset_id: int, document_id: int | None = None) -> str:
    base = f"knowledge/{dataset_id}/"
    return base if document_id is None else f"{base}{document_id}/"


@dataclass(frozen=True, slots=True)
class DatasetView:
    dataset: Dataset
    totals: DatasetTotals
    can_edit: bool


@dataclass(frozen=True, slots=True)
class DatasetChanges:
    name: str | None = None
    description: str | None = None
    icon_uri: str | None = None
    status: DatasetStatus | None = None
    chunking: ChunkingStrategy | None = None
    embedding_model_id: int | None = None


def _checked_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME:
        raise InvalidKnowledgeRequest(detail=f"a knowledge base name must be 1..{MAX_NAME} characters")
    return name


def _checked_description(text: str) -> str:
    if len(text) > MAX_DESCRIPTION:
        raise InvalidKnowledgeRequest(detail=f"a description is at most {MAX_DESCRIPTION} characters")
    return text


class DatasetService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        datasets: DatasetRepository,
        documents: DocumentRepository,
        access: KnowledgeAccess,
        embeddings: EmbeddingModelCatalog,
        runtime: ModelRuntime,
        audit: AuditRecorder,
        ids: IdGenerator,
        clock: Clock,
    ) -> None:
        self._uow, self._datasets, self._documents, self._access = uow, datasets, documents, access
        self._embeddings, self._runtime, self._audit = embeddings, runtime, audit
        self._ids, self._clock = ids, clock

    async def create(
        self,
        actor: Actor,
        space_id: int,
        name: str,
        format: FormatType,
        description: str = "",
        icon_uri: str = "",
        embedding_model_id: int | None = None,
        chunking: ChunkingStrategy | None = None,
    ) -> DatasetView:
        require_scope(actor, Scope.KNOWLEDGE_WRITE)
        async with self._uow():
            await self._access.space(actor, space_id, KnowledgeAction.CREATE)
        name, description = _checked_name(name), _checked_description(description)
        model_id, dimension = await self._embedding(embedding_model_id)
        now = self._clock.now()
        dataset = Dataset(
            id=self._ids.next_id(),
            space_id=space_id,
            creator_id=actor.user_id,
            name=name,
            description=description,
            format=format,
            embedding_model_id=model_id,
            dimension=dimension,
            created_at=now,
            updated_at=now,
            icon_uri=icon_uri[:1024],
            chunking=chunking or ChunkingStrategy(),
        )
        async with self._uow() as uow:
            await self._access.space(actor, space_id, KnowledgeAction.CREATE)
            await self._datasets.add(dataset)
            await uow.commit()
        await self._record(actor, "knowledge.create", dataset.id, {"space_id": str(space_id)})
        return DatasetView(dataset, DatasetTotals(), True)

    async def get(self, actor: Actor, dataset_id: int) -> DatasetView:
        require_scope(actor, Scope.KNOWLEDGE_READ)
        async with self._uow():
            dataset = await self._access.dataset(actor, dataset_id, KnowledgeAction.READ)
            totals = (await self._documents.totals([dataset.id])).get(dataset.id, DatasetTotals())
            can_edit = await self._can_edit(actor, dataset)
        return DatasetView(dataset, totals, can_edit)

    async def page(self, actor: Actor, query: DatasetQuery) -> tuple[list[DatasetView], int]:
        require_scope(actor, Scope.KNOWLEDGE_READ)
        if not 1 <= query.size <= MAX_PAGE_SIZE or query.page < 1:
            raise InvalidKnowledgeRequest(detail=f"page starts at 1; size is 1..{MAX_PAGE_SIZE}")
        async with self._uow():
            await self._access.space(actor, query.space_id, KnowledgeAction.READ)
            datasets, total = await self._datasets.page(query)
            totals = await self._documents.totals([d.id for d in datasets])
            views = [
                DatasetView(d, totals.get(d.id, DatasetTotals()), await self._can_edit(actor, d))
                for d in datasets
            ]
        return views, total

    async def update(self, actor: Actor, dataset_id: int, changes: DatasetChanges) -> DatasetView:
        require_scope(actor, Scope.KNOWLEDGE_WRITE)
        model: tuple[int, int] | None = None
        if changes.embedding_model_id is not None:
            model = await self._embedding(changes.embedding_model_id)
        async with self._uow() as uow:
            dataset = await self._access.dataset(actor, dataset_id, KnowledgeAction.UPDATE, for_update=True)
            updated = replace(
                dataset,
                name=dataset.name if changes.name is None else _checked_name(changes.name),
                description=dataset.description
                if changes.description is None
                else _checked_description(changes.description),
                icon_uri=dataset.icon_uri if changes.icon_uri is None else changes.icon_uri[:1024],
                status=changes.status or dataset.status,
                chunking=changes.chunking or dataset.chunking,
                updated_at=self._clock.now(),
            )
            if model is not None and model[0] != dataset.embedding_model_id:
                # The switch itself is a job (application/knowledge/reembedding.py); until it is done
                # the dataset keeps searching its current index.
                updated = replace(updated, pending_model_id=model[0])
                uow.record(EmbeddingModelChanged(dataset.id, model[0]))
            await self._datasets.save(updated)
            await uow.commit()
        await self._record(actor, "knowledge.update", dataset_id, {})
        return await self.get(actor, dataset_id)

    async def delete(self, actor: Actor, dataset_id: int) -> None:
        require_scope(actor, Scope.KNOWLEDGE_WRITE)
        async with self._uow() as uow:
            dataset = await self._access.dataset(actor, dataset_id, KnowledgeAction.DELETE, for_update=True)
            await self._datasets.delete(dataset.id)
            uow.record(KnowledgeRemoved(dataset.collection, object_prefix(dataset.id)))
            await uow.commit()
        await self._record(actor, "knowledge.delete", dataset_id, {})

    async def _embedding(self, model_id: int | None) -> tuple[int, int]:
        choice = await self._embeddings.find_embedding(model_id)
        if choice is None or not choice.usable:
            what = "the default embedding model" if model_id is None else f"embedding model {model_id}"
            raise InvalidKnowledgeRequest(detail=f"{what} is not available")
        dimension = choice.dimension
        if dimension <= 0:  # the provider decides: ask once
            model = await self._runtime.embedding_model(choice.id)
            dimension = len(await model.embed_query("dimension probe"))
        return choice.id, dimension

    async def _can_edit(self, actor: Actor, dataset: Dataset) -> bool:
        try:
            await self._access.dataset(actor, dataset.id, KnowledgeAction.UPDATE)
        except KnowledgeActionDenied:
            return False
        return True

    async def _record(self, actor: Actor, action: str, target: int, details: dict[str, str]) -> None:
        await self._audit.record(
            action, AuditResult.OK, actor, target_type="knowledge", target_id=target, detail=dict(details)
        )
