"""The model catalogue's answer to other contexts (the agent context) asking which chat models an
agent may name: crossdomain.modelmgr.ChatModelCatalog."""

from __future__ import annotations

from crossdomain.modelmgr import ChatModelChoice
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
