"""SPA bodies for agents, after Coze Studio's bot_common BotInfo / BotInfoForUpdate field names
(ids and times as strings). `client_tools` is a cozeplus extension."""

from __future__ import annotations

from typing import Any

import msgspec

from api.agent_fields import (
    ClientToolConfig,
    RecallStrategy,
    client_tool_configs,
    client_tool_specs,
    ids_of,
    knowledge_settings,
    knowledge_values,
    model_settings,
    plugin_bindings,
    sampling_values,
)
from api.schemas import Int64Str, OptionalInt64StrList, id_str, seconds_text
from application.agent.dto import AgentView
from domain.agent.entities import AgentChanges, Icon
from domain.agent.errors import InvalidAgentConfig
from domain.agent.values import (
    Onboarding,
    ResponseFormat,
    SuggestReply,
    SuggestReplyMode,
    Variable,
)

# Coze Studio's enums: ModelResponseFormat and SuggestReplyMode numbers.
RESPONSE_FORMATS = (ResponseFormat.TEXT, ResponseFormat.MARKDOWN, ResponseFormat.JSON)
SUGGEST_MODES = {0: SuggestReplyMode.ENABLE, 1: SuggestReplyMode.CUSTOMIZED, 2: SuggestReplyMode.DISABLE}
SUGGEST_NUMBERS = {mode: number for number, mode in SUGGEST_MODES.items()}


class PromptInfo(msgspec.Struct):
    prompt: str = ""


class ShortMemoryPolicy(msgspec.Struct):
    history_round: int | None = None
    context_mode: int | None = None


class ModelInfo(msgspec.Struct, forbid_unknown_fields=True):
    model_id: Int64Str | None = None
    temperature: float | None = None
    max_tokens: int | None = None
    top_p: float | None = None
    frequency_penalty: float | None = None
    presence_penalty: float | None = None
    short_memory_policy: ShortMemoryPolicy | None = None
    top_k: int | None = None
    response_format: int | None = None
    model_style: int | None = None
    sp_current_time: bool | None = None


class OnboardingInfo(msgspec.Struct):
    prologue: str = ""
    suggested_questions: list[str] = msgspec.field(default_factory=list)


class SuggestReplyInfo(msgspec.Struct):
    suggest_reply_mode: int = 2
    customized_suggest_prompt: str = ""


class PluginInfo(msgspec.Struct):
    plugin_id: Int64Str
    api_id: Int64Str
    api_name: str = ""


class WorkflowInfo(msgspec.Struct):
    workflow_id: Int64Str


class KnowledgeInfo(msgspec.Struct):
    id: Int64Str
    name: str = ""


class Knowledge(msgspec.Struct):
    """Coze's bot_common Knowledge. On update a field left out keeps the stored value."""

    knowledge_info: list[KnowledgeInfo] | None = None
    top_k: int | None = None
    min_score: float | None = None
    auto: bool | None = None
    search_strategy: int | None = None
    show_source: bool | None = None
    no_recall_reply_mode: int | None = None
    no_recall_reply_customize_prompt: str | None = None
    show_source_mode: int | None = None
    recall_strategy: RecallStrategy | None = None


class VariableItem(msgspec.Struct):
    key: str
    description: str = ""
    default_value: str = ""
    is_system: bool = False
    prompt_disabled: bool = False
    is_disabled: bool = False


class BotInfoForUpdate(msgspec.Struct, forbid_unknown_fields=True):
    bot_id: Int64Str
    name: str | None = None
    description: str | None = None
    icon_uri: str | None = None
    prompt_info: PromptInfo | None = None
    model_info: ModelInfo | None = None
    onboarding_info: OnboardingInfo | None = None
    suggest_reply_info: SuggestReplyInfo | None = None
    plugin_info_list: list[PluginInfo] | None = None
    workflow_info_list: list[WorkflowInfo] | None = None
    knowledge: Knowledge | None = None
    variable_list: list[VariableItem] | None = None
    shortcut_sort: OptionalInt64StrList = None
    client_tools: list[ClientToolConfig] | None = None


def _model_patch(m: ModelInfo) -> dict[str, Any]:
    memory = m.short_memory_policy
    rounds = None if memory is None else memory.history_round
    patch = model_settings(m, m.model_id or None, rounds, m.sp_current_time)
    if m.response_format is not None:
        if not 0 <= m.response_format < len(RESPONSE_FORMATS):
            raise InvalidAgentConfig(reason="response_format must be 0 (text), 1 (markdown) or 2 (json)")
        patch["response_format"] = RESPONSE_FORMATS[m.response_format]
    return patch


def _knowledge_patch(k: Knowledge) -> dict[str, Any]:
    ids = None if k.knowledge_info is None else ids_of([i.id for i in k.knowledge_info], "knowledge id")
    return knowledge_settings(k, ids, k.auto)


def changes_of(b: BotInfoForUpdate) -> AgentChanges:
    s = b.suggest_reply_info
    if s is not None and s.suggest_reply_mode not in SUGGEST_MODES:
        raise InvalidAgentConfig(reason="suggest_reply_mode must be 0 (system), 1 (custom) or 2 (disable)")
    k = b.knowledge
    return AgentChanges(
        name=b.name,
        description=b.description,
        icon=None if b.icon_uri is None else Icon(b.icon_uri),
        persona_prompt=None if b.prompt_info is None else b.prompt_info.prompt,
        model=None if b.model_info is None else _model_patch(b.model_info),
        onboarding=None
        if b.onboarding_info is None
        else Onboarding(b.onboarding_info.prologue, tuple(b.onboarding_info.suggested_questions)),
        suggest_reply=None
        if s is None
        else SuggestReply(SUGGEST_MODES[s.suggest_reply_mode], s.customized_suggest_prompt),
        plugins=plugin_bindings(b.plugin_info_list),
        workflow_ids=None
        if b.workflow_info_list is None
        else ids_of([w.workflow_id for w in b.workflow_info_list], "workflow_id"),
        knowledge=None if k is None else _knowledge_patch(k),
        variables=None
        if b.variable_list is None
        else tuple(
            Variable(v.key, v.default_value, v.description, not v.is_disabled, not v.prompt_disabled)
            for v in b.variable_list
            if not v.is_system
        ),
        shortcut_command_ids=None if b.shortcut_sort is None else ids_of(b.shortcut_sort, "shortcut_sort"),
        client_tools=client_tool_specs(b.client_tools),
    )


class BotInfo(msgspec.Struct):
    """A draft as the editor shows it."""

    bot_id: str
    name: str
    description: str
    icon_uri: str
    icon_url: str
    creator_id: str
    space_id: str
    create_time: str
    update_time: str
    connector_id: str
    version: str
    bot_mode: int
    status: int
    prompt_info: PromptInfo
    model_info: ModelInfo
    onboarding_info: OnboardingInfo
    suggest_reply_info: SuggestReplyInfo
    plugin_info_list: list[PluginInfo]
    workflow_info_list: list[WorkflowInfo]
    knowledge: Knowledge
    variable_list: list[VariableItem]
    shortcut_sort: list[str]
    client_tools: list[ClientToolConfig]

    @classmethod
    def of(cls, a: AgentView) -> BotInfo:
        c, m = a.config, a.config.model
        return cls(
            bot_id=id_str(a.id),
            name=a.name,
            description=a.description,
            icon_uri=a.icon_uri,
            icon_url=a.icon_url,
            creator_id=id_str(a.owner_id),
            space_id=id_str(a.space_id),
            create_time=seconds_text(a.created_at),
            update_time=seconds_text(a.updated_at),
            connector_id=str(a.connector_id),
            version=a.version,
            bot_mode=c.bot_mode,
            status=1,
            prompt_info=PromptInfo(c.persona_prompt),
            model_info=ModelInfo(
                model_id=None if m.model_id is None else id_str(m.model_id),
                short_memory_policy=ShortMemoryPolicy(m.history_rounds, 0),
                response_format=None
                if m.response_format is None
                else RESPONSE_FORMATS.index(m.response_format),
                sp_current_time=m.current_time_in_prompt,
                **sampling_values(m),
            ),
            onboarding_info=OnboardingInfo(c.onboarding.prologue, list(c.onboarding.suggested_questions)),
            suggest_reply_info=SuggestReplyInfo(
                SUGGEST_NUMBERS[c.suggest_reply.mode], c.suggest_reply.customized_prompt
            ),
            plugin_info_list=[PluginInfo(id_str(p.plugin_id), id_str(p.api_id)) for p in c.plugins],
            workflow_info_list=[WorkflowInfo(id_str(w)) for w in c.workflow_ids],
            knowledge=Knowledge(
                knowledge_info=[KnowledgeInfo(id_str(i)) for i in c.knowledge.dataset_ids],
                auto=c.knowledge.auto_call,
                **knowledge_values(c.knowledge),
            ),
            variable_list=[
                VariableItem(
                    v.keyword, v.description, v.default_value, False, not v.prompt_enabled, not v.enabled
                )
                for v in c.variables
            ],
            shortcut_sort=[id_str(i) for i in c.shortcut_command_ids],
            client_tools=client_tool_configs(c.client_tools),
        )
