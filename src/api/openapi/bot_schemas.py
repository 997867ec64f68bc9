"""Bodies of the token API's bot endpoints, in cozepy 0.20.0's shapes (cozepy/bots), and their
mapping to the agent use cases. `client_tools` and `variables` are cozeplus extensions (Coze sets
them in its editor only)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

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
from api.envelope import Envelope
from api.schemas import Int64Str, OptionalId, OptionalInt64StrList, id_str, seconds, seconds_text
from application.agent.dto import AgentSummary, AgentView
from domain.agent.entities import AgentChanges
from domain.agent.errors import InvalidAgentConfig
from domain.agent.values import (
    MAX_NAME,
    Onboarding,
    SuggestReply,
    SuggestReplyMode,
    Variable,
)


class PromptInfo(msgspec.Struct):
    prompt: str


class OnboardingInfo(msgspec.Struct):
    prologue: str = ""
    suggested_questions: list[str] | None = None


class SuggestReplyInfo(msgspec.Struct):
    reply_mode: Literal["disable", "enable", "customized"]
    customized_prompt: str = ""


class ModelInfoConfig(msgspec.Struct, forbid_unknown_fields=True):
    model_id: Int64Str
    model_name: str | None = None  # output only; ignored on input
    temperature: float | None = None
    context_round: int | None = None
    max_tokens: int | None = None
    response_format: str | None = None
    top_k: int | None = None
    top_p: float | None = None
    cache_type: str | None = None
    presence_penalty: float | None = None
    frequency_penalty: float | None = None
    parameters: dict[str, str] | None = None
    sp_anti_leak: bool | None = None
    sp_current_time: bool | None = None


class PluginIdInfo(msgspec.Struct):
    plugin_id: Int64Str
    api_id: Int64Str


class PluginIdList(msgspec.Struct):
    id_list: list[PluginIdInfo] | None = None


class WorkflowIdInfo(msgspec.Struct):
    id: Int64Str


class WorkflowIdList(msgspec.Struct):
    ids: list[WorkflowIdInfo] | None = None


class KnowledgeConfig(msgspec.Struct):
    """cozepy's BotKnowledge, plus Coze's bot Knowledge settings (cozeplus extensions on this API).
    A field left out keeps the stored value."""

    dataset_ids: OptionalInt64StrList = None
    auto_call: bool | None = None
    search_strategy: int | None = None
    top_k: int | None = None
    min_score: float | None = None
    show_source: bool | None = None
    show_source_mode: int | None = None
    no_recall_reply_mode: int | None = None
    no_recall_reply_customize_prompt: str | None = None
    recall_strategy: RecallStrategy | None = None


class VariableConfig(msgspec.Struct):
    keyword: str
    default_value: str = ""
    description: str = ""
    enable: bool = True
    prompt_enable: bool = True


class BotConfigFields(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    description: str | None = None
    icon_file_id: OptionalId = None
    prompt_info: PromptInfo | None = None
    onboarding_info: OnboardingInfo | None = None
    suggest_reply_info: SuggestReplyInfo | None = None
    model_info_config: ModelInfoConfig | None = None
    plugin_id_list: PluginIdList | None = None
    workflow_id_list: WorkflowIdList | None = None
    knowledge: KnowledgeConfig | None = None
    variables: list[VariableConfig] | None = None
    client_tools: list[ClientToolConfig] | None = None


class CreateBotRequest(BotConfigFields, kw_only=True):
    space_id: Int64Str
    name: Annotated[str, msgspec.Meta(max_length=MAX_NAME, pattern=r"\S")]


class UpdateBotRequest(BotConfigFields, kw_only=True):
    bot_id: Int64Str
    name: str | None = None


class PublishBotRequest(msgspec.Struct, forbid_unknown_fields=True):
    bot_id: Int64Str
    connector_ids: Annotated[list[Literal["1024", "999"]], msgspec.Meta(min_length=1)] | None = None


class UnpublishBotRequest(msgspec.Struct, forbid_unknown_fields=True):
    connector_id: Literal["1024", "999"]
    bot_id: OptionalId = None
    unpublish_reason: str | None = None


def model_patch(m: ModelInfoConfig) -> dict[str, Any]:
    """The settings named in the body. Options cozeplus does not run are refused, not ignored."""
    if m.cache_type not in (None, "", "closed"):
        raise InvalidAgentConfig(reason="cache_type 'prefix' is not supported")
    if m.sp_anti_leak:
        raise InvalidAgentConfig(reason="sp_anti_leak is not supported")
    if m.parameters:
        raise InvalidAgentConfig(reason="model parameters (thinking settings) are not supported")
    patch = model_settings(m, m.model_id, m.context_round, m.sp_current_time)
    if m.response_format is not None:
        patch["response_format"] = m.response_format
    return patch


def changes_of(body: BotConfigFields, name: str | None) -> AgentChanges:
    def mode(text: str) -> SuggestReplyMode:
        try:
            return SuggestReplyMode(text)
        except ValueError:
            raise InvalidAgentConfig(
                reason=f"reply_mode must be one of {[m.value for m in SuggestReplyMode]}"
            ) from None

    o, s, k = body.onboarding_info, body.suggest_reply_info, body.knowledge
    plugins = None if body.plugin_id_list is None else body.plugin_id_list.id_list or []
    workflows = None if body.workflow_id_list is None else body.workflow_id_list.ids or []
    return AgentChanges(
        name=name,
        description=body.description,
        persona_prompt=None if body.prompt_info is None else body.prompt_info.prompt,
        model=None if body.model_info_config is None else model_patch(body.model_info_config),
        onboarding=None if o is None else Onboarding(o.prologue, tuple(o.suggested_questions or ())),
        suggest_reply=None if s is None else SuggestReply(mode(s.reply_mode), s.customized_prompt),
        plugins=plugin_bindings(plugins),
        workflow_ids=None if workflows is None else ids_of([w.id for w in workflows], "workflow id"),
        knowledge=None
        if k is None
        else knowledge_settings(
            k, None if k.dataset_ids is None else ids_of(k.dataset_ids, "dataset_ids"), k.auto_call
        ),
        variables=None
        if body.variables is None
        else tuple(
            Variable(v.keyword, v.default_value, v.description, v.enable, v.prompt_enable)
            for v in body.variables
        ),
        client_tools=client_tool_specs(body.client_tools),
    )


# -- responses (cozepy Bot and friends)


class BotIdData(msgspec.Struct):
    bot_id: str


class BotIdResponse(Envelope, kw_only=True):
    data: BotIdData


class PublishData(msgspec.Struct):
    bot_id: str
    version: str


class PublishResponse(Envelope, kw_only=True):
    data: PublishData


class BotKnowledge(msgspec.Struct, kw_only=True):
    dataset_ids: list[str]
    auto_call: bool
    search_strategy: int
    top_k: int
    min_score: float
    show_source: bool
    show_source_mode: int
    no_recall_reply_mode: int
    no_recall_reply_customize_prompt: str
    recall_strategy: RecallStrategy


class BotPluginApiInfo(msgspec.Struct):
    api_id: str
    name: str
    description: str


class BotPluginInfo(msgspec.Struct):
    plugin_id: str
    name: str
    description: str
    icon_url: str
    api_info_list: list[BotPluginApiInfo]


class BotModelInfo(msgspec.Struct):
    model_id: str
    model_name: str
    context_round: int
    sp_current_time: bool
    temperature: float | None = None
    max_tokens: int | None = None
    response_format: str | None = None
    top_k: int | None = None
    top_p: float | None = None
    presence_penalty: float | None = None
    frequency_penalty: float | None = None


class BotVariable(msgspec.Struct):
    keyword: str
    default_value: str
    variable_type: str
    channel: str
    description: str
    enable: bool
    prompt_enable: bool


class BotWorkflowInfo(msgspec.Struct):
    id: str
    name: str
    description: str
    icon_url: str


class Bot(msgspec.Struct):
    bot_id: str
    name: str
    description: str
    icon_url: str
    create_time: int
    update_time: int
    version: str
    bot_mode: int
    owner_user_id: str
    prompt_info: PromptInfo
    onboarding_info: OnboardingInfo
    knowledge: BotKnowledge
    plugin_info_list: list[BotPluginInfo]
    model_info: BotModelInfo | None
    suggest_reply_info: SuggestReplyInfo
    variables: list[BotVariable]
    workflow_info_list: list[BotWorkflowInfo]
    client_tools: list[ClientToolConfig]

    @classmethod
    def of(cls, a: AgentView) -> Bot:
        c, m = a.config, a.config.model
        by_plugin: dict[int, list[BotPluginApiInfo]] = {}
        for p in c.plugins:
            by_plugin.setdefault(p.plugin_id, []).append(BotPluginApiInfo(id_str(p.api_id), "", ""))
        return cls(
            bot_id=id_str(a.id),
            name=a.name,
            description=a.description,
            icon_url=a.icon_url,
            create_time=seconds(a.created_at),
            update_time=seconds(a.updated_at),
            version=a.version,
            bot_mode=c.bot_mode,
            owner_user_id=id_str(a.owner_id),
            prompt_info=PromptInfo(c.persona_prompt),
            onboarding_info=OnboardingInfo(c.onboarding.prologue, list(c.onboarding.suggested_questions)),
            knowledge=BotKnowledge(
                dataset_ids=[id_str(i) for i in c.knowledge.dataset_ids],
                auto_call=c.knowledge.auto_call,
                **knowledge_values(c.knowledge),
            ),
            plugin_info_list=[
                BotPluginInfo(id_str(pid), "", "", "", apis) for pid, apis in by_plugin.items()
            ],
            model_info=None
            if m.model_id is None
            else BotModelInfo(
                model_id=id_str(m.model_id),
                model_name=a.model_name,
                context_round=m.history_rounds,
                sp_current_time=m.current_time_in_prompt,
                response_format=None if m.response_format is None else m.response_format.value,
                **sampling_values(m),
            ),
            suggest_reply_info=SuggestReplyInfo(
                c.suggest_reply.mode.value, c.suggest_reply.customized_prompt
            ),
            variables=[
                BotVariable(
                    v.keyword,
                    v.default_value,
                    "KVVariable",
                    "custom",
                    v.description,
                    v.enabled,
                    v.prompt_enabled,
                )
                for v in c.variables
            ],
            workflow_info_list=[BotWorkflowInfo(id_str(w), "", "", "") for w in c.workflow_ids],
            client_tools=client_tool_configs(c.client_tools),
        )


class BotResponse(Envelope, kw_only=True):
    data: Bot


class SpaceBotV1(msgspec.Struct):
    bot_id: str
    bot_name: str
    description: str
    icon_url: str
    publish_time: str

    @classmethod
    def of(cls, b: AgentSummary) -> SpaceBotV1:
        return cls(
            id_str(b.id), b.name, b.description, b.icon_url, seconds_text(b.published_at or b.updated_at)
        )


class SpaceBotsV1(msgspec.Struct):
    space_bots: list[SpaceBotV1]
    total: int


class SpaceBotsV1Response(Envelope, kw_only=True):
    data: SpaceBotsV1


class SimpleBot(msgspec.Struct):
    id: str
    name: str
    description: str
    icon_url: str
    is_published: bool
    updated_at: int
    owner_user_id: str
    published_at: int | None = None

    @classmethod
    def of(cls, b: AgentSummary) -> SimpleBot:
        return cls(
            id=id_str(b.id),
            name=b.name,
            description=b.description,
            icon_url=b.icon_url,
            is_published=b.is_published,
            updated_at=seconds(b.updated_at),
            owner_user_id=id_str(b.owner_id),
            published_at=None if b.published_at is None else seconds(b.published_at),
        )


class SimpleBots(msgspec.Struct):
    items: list[SimpleBot]
    total: int


class SimpleBotsResponse(Envelope, kw_only=True):
    data: SimpleBots
