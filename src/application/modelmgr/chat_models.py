"""The model catalogue's answers to other contexts: which chat models an agent may name
(crossdomain.modelmgr.ChatModelCatalog), which embedding model a knowledge base records
(crossdomain.modelmgr.EmbeddingModelCatalog) and which chat model captions images
(crossdomain.modelmgr.VisionModelCatalog)."""

from __future__ import annotations

from crossdomain.modelmgr import ChatModelChoice, EmbeddingModelChoice, VisionModelChoice
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


class CatalogVisionModels:
    def __init__(self, uow: UnitOfWorkFactory, models: ModelRepository) -> None:
        self._uow, self._models = uow, models

    async def find_vision(self) -> VisionModelChoice | None:
        async with self._uow():
            models = await self._models.list(ModelKind.LLM)  # by name
        able = [m for m in models if m.is_active and m.capabilities.vision]
        if not able:
            return None
        chosen = next((m for m in able if m.is_default), able[0])
        return VisionModelChoice(chosen.id, chosen.name)
