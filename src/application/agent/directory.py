"""AgentDirectory: the run-time configuration the conversation context chats with.

On every chat turn, so each lookup is one primary-key query (draft) or one walk of the version
table's primary key (live version per connector). Nothing is cached: a publish or unpublish in any
process is seen by the next turn in every process.
"""

from __future__ import annotations

from application.agent.icons import IconLinks
from crossdomain.agent import (
    CONNECTOR_API,
    DRAFT_CONNECTOR,
    AgentKnowledge,
    AgentModelConfig,
    AgentPluginTool,
    AgentSnapshot,
    AgentVariable,
    ClientTool,
)
from domain.agent.config import AgentConfig
from domain.agent.entities import Icon
from domain.agent.ports import AgentRepository, AgentVersionRepository
from domain.agent.values import KnowledgeBinding, NoRecallReply, SuggestReplyMode
from domain.common.ports import UnitOfWorkFactory


def knowledge_of(k: KnowledgeBinding) -> AgentKnowledge:
    return AgentKnowledge(
        dataset_ids=k.dataset_ids,
        auto_call=k.auto_call,
        search_strategy=k.search_strategy,
        top_k=k.top_k,
        min_score=k.min_score,
        show_source=k.show_source,
        no_recall_reply=k.no_recall_reply_customize_prompt
        if k.no_recall_reply_mode is NoRecallReply.CUSTOM
        else None,
        rewrite_query=k.use_rewrite,
        rerank=k.use_rerank,
        nl2sql=k.use_nl2sql,
    )


def snapshot_of(
    agent_id: int,
    space_id: int,
    owner_id: int,
    name: str,
    description: str,
    icon_url: str,
    config: AgentConfig,
    version: str = "",
    connector_id: int = DRAFT_CONNECTOR,
) -> AgentSnapshot:
    m = config.model
    reply = config.suggest_reply
    return AgentSnapshot(
        agent_id=agent_id,
        space_id=space_id,
        owner_id=owner_id,
        name=name,
        description=description,
        icon_url=icon_url,
        persona_prompt=config.persona_prompt,
        model=AgentModelConfig(
            model_id=m.model_id,
            parameters=m.sampling(),
            history_rounds=m.history_rounds,
            current_time_in_prompt=m.current_time_in_prompt,
        ),
        version=version,
        connector_id=connector_id,
        prologue=config.onboarding.prologue,
        suggested_questions=config.onboarding.suggested_questions,
        follow_up_suggestions=reply.mode is not SuggestReplyMode.DISABLE,
        follow_up_prompt=reply.customized_prompt if reply.mode is SuggestReplyMode.CUSTOMIZED else "",
        variables=tuple(
            AgentVariable(v.keyword, v.default_value, v.description, v.enabled, v.prompt_enabled)
            for v in config.variables
        ),
        client_tools=tuple(ClientTool(t.name, t.description, t.parameters) for t in config.client_tools),
        plugin_tools=tuple(
            AgentPluginTool(p.plugin_id, p.api_id, p.defaults, p.hidden, p.variables) for p in config.plugins
        ),
        workflow_ids=config.workflow_ids,
        knowledge=knowledge_of(config.knowledge),
        shortcut_command_ids=config.shortcut_command_ids,
    )


class AgentDirectoryService:
    """crossdomain.agent.AgentDirectory. Callers check the caller's rights; this only looks up."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        agents: AgentRepository,
        versions: AgentVersionRepository,
        icons: IconLinks,
    ) -> None:
        self._uow, self._agents, self._versions, self._icons = uow, agents, versions, icons

    async def draft(self, agent_id: int) -> AgentSnapshot | None:
        async with self._uow():
            draft = await self._agents.get(agent_id)
        if draft is None:
            return None
        return snapshot_of(
            draft.id,
            draft.space_id,
            draft.owner_id,
            draft.name,
            draft.description,
            await self._icon(draft.icon),
            draft.config,
        )

    async def published(self, agent_id: int, connector_id: int = CONNECTOR_API) -> AgentSnapshot | None:
        async with self._uow():
            version = await self._versions.live(agent_id, connector_id)
        if version is None:
            return None
        return snapshot_of(
            version.agent_id,
            version.space_id,
            version.owner_id,
            version.name,
            version.description,
            await self._icon(version.icon),
            version.config,
            str(version.version),
            version.connector_id,
        )

    async def _icon(self, icon: Icon) -> str:
        return await self._icons.url(icon) if icon.file_id is not None or icon.uri else ""
