"""The model catalogue's answers to other contexts: which chat models an agent may name
(crossdomain.modelmgr.ChatModelCatalog) and which embedding model a knowledge base records
(crossdomain.modelmgr.EmbeddingModelCatalog)."""

from __future__ import annotations

from crossdomain.modelmgr import ChatModelChoice, EmbeddingModelChoice
from domain.common.ports import UnitOfWorkFactory
from domain.modelmgr.ports import ModelRepository
from domain.modelmgr.values import ModelKind


class CatalogChatModels:
    def __init__(self, uow: UnitOfWorkFactory, models: ModelRepository) -> None:
        self._uow, self._models = uow, models

    async def find(self, model_id: int) -> ChatModelChoice | None:
        async with self._uow():  # nested: joins the caller's transaction when there is one
            model = await self._models.get(model_id)
        if model is None or model.kind is not ModelKind.LLM:
            return None
        return ChatModelChoice(model.id, model.name, model.is_active)


class CatalogEmbeddingModels:
    def __init__(self, uow: UnitOfWorkFactory, models: ModelRepository) -> None:
        self._uow, self._models = uow, models

    async def find_embedding(self, model_id: int | None) -> EmbeddingModelChoice | None:
        async with self._uow():
            if model_id is None:
                model = await self._models.default_for(ModelKind.TEXT_EMBEDDING)
            else:
                model = await self._models.get(model_id)
        if model is None or model.kind is not ModelKind.TEXT_EMBEDDING:
            return None
        return EmbeddingModelChoice(
            model.id,
            model.name,
            model.capabilities.embedding_dimension,
            model.is_active,
            lexical=model.provider == "builtin",
        )
