"""Draft and version entities -> the views the API renders (links and model names resolved)."""

from __future__ import annotations

from application.agent.dto import AgentSummary, AgentView
from application.agent.icons import IconLinks
from domain.agent.entities import AgentDraft, AgentVersion
from domain.agent.ports import ChatModels


class AgentViews:
    def __init__(self, icons: IconLinks, models: ChatModels) -> None:
        self._icons, self._models = icons, models

    async def _model_name(self, model_id: int | None) -> str:
        if model_id is None:
            return ""
        found = await self._models.find(model_id)
        return "" if found is None else found.name

    async def of_draft(self, d: AgentDraft, live: dict[int, AgentVersion] | None = None) -> AgentView:
        return AgentView(
            id=d.id,
            space_id=d.space_id,
            owner_id=d.owner_id,
            name=d.name,
            description=d.description,
            icon_uri=d.icon.uri,
            icon_url=await self._icons.url(d.icon),
            config=d.config,
            created_at=d.created_at,
            updated_at=d.updated_at,
            model_name=await self._model_name(d.config.model.model_id),
            live_versions={c: str(v.version) for c, v in (live or {}).items()},
        )

    async def of_version(self, v: AgentVersion, created_at_of_agent: AgentDraft | None = None) -> AgentView:
        created = created_at_of_agent.created_at if created_at_of_agent is not None else v.published_at
        return AgentView(
            id=v.agent_id,
            space_id=v.space_id,
            owner_id=v.owner_id,
            name=v.name,
            description=v.description,
            icon_uri=v.icon.uri,
            icon_url=await self._icons.url(v.icon),
            config=v.config,
            created_at=created,
            updated_at=v.published_at,
            model_name=await self._model_name(v.config.model.model_id),
            version=str(v.version),
            connector_id=v.connector_id,
            published_at=v.published_at,
        )

    async def summary_of_draft(self, d: AgentDraft, live: AgentVersion | None) -> AgentSummary:
        return AgentSummary(
            id=d.id,
            space_id=d.space_id,
            owner_id=d.owner_id,
            name=d.name,
            description=d.description,
            icon_url=await self._icons.url(d.icon),
            created_at=d.created_at,
            updated_at=d.updated_at,
            is_published=live is not None,
            published_at=None if live is None else live.published_at,
            version="" if live is None else str(live.version),
        )

    async def summary_of_version(self, v: AgentVersion) -> AgentSummary:
        return AgentSummary(
            id=v.agent_id,
            space_id=v.space_id,
            owner_id=v.owner_id,
            name=v.name,
            description=v.description,
            icon_url=await self._icons.url(v.icon),
            created_at=v.published_at,
            updated_at=v.published_at,
            is_published=True,
            published_at=v.published_at,
            version=str(v.version),
        )
