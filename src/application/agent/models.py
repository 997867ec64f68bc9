"""The agent context's view of the model catalogue: which chat models an agent may name."""

from __future__ import annotations

from domain.agent.ports import ModelChoice
from domain.common.ports import UnitOfWorkFactory
from domain.modelmgr.ports import ModelRepository
from domain.modelmgr.values import ModelKind


class CatalogChatModels:
    """domain.agent.ports.ChatModels over the model repository (joins the caller's unit of work)."""

    def __init__(self, uow: UnitOfWorkFactory, models: ModelRepository) -> None:
        self._uow, self._models = uow, models

    async def find(self, model_id: int) -> ModelChoice | None:
        async with self._uow():
            model = await self._models.get(model_id)
        if model is None or model.kind is not ModelKind.LLM:
            return None
        return ModelChoice(model.id, model.name, model.is_active)
