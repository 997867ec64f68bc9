"""An agent's whole run-time configuration (everything but name, description and icon), as one
value: drafts hold the current one, versions a frozen copy. Stored as JSON."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from domain.agent.values import (
    DEFAULT_MIN_SCORE,
    DEFAULT_TOP_K,
    MAX_CLIENT_TOOLS,
    MAX_PLUGIN_APIS,
    MAX_PROMPT,
    MAX_SHORTCUTS,
    MAX_VARIABLES,
    MAX_WORKFLOWS,
    ClientToolSpec,
    KnowledgeBinding,
    ModelSettings,
    NoRecallReply,
    Onboarding,
    PluginBinding,
    ResponseFormat,
    SuggestReply,
    SuggestReplyMode,
    Variable,
    checked_ids,
    checked_text,
    refuse,
)

SINGLE_AGENT = 0  # Coze's bot_mode: the only mode cozeplus runs


@dataclass(frozen=True, slots=True)
class AgentConfig:
    persona_prompt: str = ""
    model: ModelSettings = field(default_factory=ModelSettings)
    onboarding: Onboarding = field(default_factory=Onboarding)
    suggest_reply: SuggestReply = field(default_factory=SuggestReply)
    plugins: tuple[PluginBinding, ...] = ()
    workflow_ids: tuple[int, ...] = ()
    knowledge: KnowledgeBinding = field(default_factory=KnowledgeBinding)
    variables: tuple[Variable, ...] = ()
    shortcut_command_ids: tuple[int, ...] = ()
    client_tools: tuple[ClientToolSpec, ...] = ()
    bot_mode: int = SINGLE_AGENT

    def checked(self) -> AgentConfig:
        """Shape and limits of every part. The persona's template syntax and the model's existence
        are checked by the application, which holds the renderer and the catalogue."""
        checked_text(self.persona_prompt, "prompt", MAX_PROMPT)
        if self.bot_mode != SINGLE_AGENT:
            raise refuse("bot_mode must be 0 (single agent)")
        # One binding per tool; the last one given wins.
        plugins = tuple({(p.plugin_id, p.api_id): p.checked() for p in self.plugins}.values())
        if len(plugins) > MAX_PLUGIN_APIS:
            raise refuse(f"at most {MAX_PLUGIN_APIS} plugin tools")
        variables = tuple(v.checked() for v in self.variables)
        if len(variables) > MAX_VARIABLES:
            raise refuse(f"at most {MAX_VARIABLES} variables")
        _unique((v.keyword for v in variables), "variable keyword")
        tools = tuple(t.checked() for t in self.client_tools)
        if len(tools) > MAX_CLIENT_TOOLS:
            raise refuse(f"at most {MAX_CLIENT_TOOLS} client tools")
        _unique((t.name for t in tools), "client tool name")
        return AgentConfig(
            persona_prompt=self.persona_prompt,
            model=self.model.checked(),
            onboarding=self.onboarding.checked(),
            suggest_reply=self.suggest_reply.checked(),
            plugins=plugins,
            workflow_ids=checked_ids(self.workflow_ids, "workflow_id", MAX_WORKFLOWS),
            knowledge=self.knowledge.checked(),
            variables=variables,
            shortcut_command_ids=checked_ids(self.shortcut_command_ids, "shortcut_command_id", MAX_SHORTCUTS),
            client_tools=tools,
            bot_mode=SINGLE_AGENT,
        )

    # -- storage
    def to_json(self) -> dict[str, Any]:
        m, k = self.model, self.knowledge
        return {
            "persona_prompt": self.persona_prompt,
            "model": {
                "model_id": m.model_id,
                "temperature": m.temperature,
                "top_p": m.top_p,
                "top_k": m.top_k,
                "max_tokens": m.max_tokens,
                "presence_penalty": m.presence_penalty,
                "frequency_penalty": m.frequency_penalty,
                "response_format": None if m.response_format is None else m.response_format.value,
                "history_rounds": m.history_rounds,
                "current_time_in_prompt": m.current_time_in_prompt,
            },
            "onboarding": {
                "prologue": self.onboarding.prologue,
                "suggested_questions": list(self.onboarding.suggested_questions),
            },
            "suggest_reply": {
                "mode": self.suggest_reply.mode.value,
                "customized_prompt": self.suggest_reply.customized_prompt,
            },
            "plugins": [
                {
                    "plugin_id": p.plugin_id,
                    "api_id": p.api_id,
                    "defaults": dict(p.defaults),
                    "hidden": list(p.hidden),
                    "variables": dict(p.variables),
                }
                for p in self.plugins
            ],
            "workflow_ids": list(self.workflow_ids),
            "knowledge": {
                "dataset_ids": list(k.dataset_ids),
                "auto_call": k.auto_call,
                "search_strategy": k.search_strategy,
                "top_k": k.top_k,
                "min_score": k.min_score,
                "show_source": k.show_source,
                "show_source_mode": k.show_source_mode,
                "no_recall_reply_mode": int(k.no_recall_reply_mode),
                "no_recall_reply_customize_prompt": k.no_recall_reply_customize_prompt,
                "use_rewrite": k.use_rewrite,
                "use_rerank": k.use_rerank,
                "use_nl2sql": k.use_nl2sql,
            },
            "variables": [
                {
                    "keyword": v.keyword,
                    "default_value": v.default_value,
                    "description": v.description,
                    "enabled": v.enabled,
                    "prompt_enabled": v.prompt_enabled,
                }
                for v in self.variables
            ],
            "shortcut_command_ids": list(self.shortcut_command_ids),
            "client_tools": [
                {"name": t.name, "description": t.description, "parameters": dict(t.parameters)}
                for t in self.client_tools
            ],
            "bot_mode": self.bot_mode,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AgentConfig:
        """Trusts stored data (it was checked on the way in); missing keys take their defaults so
        older rows keep loading when fields are added."""
        m = data.get("model") or {}
        fmt = m.get("response_format")
        o = data.get("onboarding") or {}
        s = data.get("suggest_reply") or {}
        k = data.get("knowledge") or {}
        return cls(
            persona_prompt=data.get("persona_prompt", ""),
            model=ModelSettings(
                model_id=m.get("model_id"),
                temperature=m.get("temperature"),
                top_p=m.get("top_p"),
                top_k=m.get("top_k"),
                max_tokens=m.get("max_tokens"),
                presence_penalty=m.get("presence_penalty"),
                frequency_penalty=m.get("frequency_penalty"),
                response_format=None if fmt is None else ResponseFormat(fmt),
                history_rounds=m.get("history_rounds", 3),
                current_time_in_prompt=m.get("current_time_in_prompt", True),
            ),
            onboarding=Onboarding(o.get("prologue", ""), tuple(o.get("suggested_questions", ()))),
            suggest_reply=SuggestReply(
                SuggestReplyMode(s.get("mode", "disable")), s.get("customized_prompt", "")
            ),
            plugins=tuple(
                PluginBinding(
                    p["plugin_id"],
                    p["api_id"],
                    tuple(p.get("defaults", {}).items()),
                    tuple(p.get("hidden", ())),
                    tuple(p.get("variables", {}).items()),
                )
                for p in data.get("plugins", ())
            ),
            workflow_ids=tuple(data.get("workflow_ids", ())),
            knowledge=KnowledgeBinding(
                tuple(k.get("dataset_ids", ())),
                k.get("auto_call", True),
                k.get("search_strategy", 0),
                k.get("top_k", DEFAULT_TOP_K),
                k.get("min_score", DEFAULT_MIN_SCORE),
                k.get("show_source", False),
                k.get("show_source_mode", 0),
                NoRecallReply(k.get("no_recall_reply_mode", 0)),
                k.get("no_recall_reply_customize_prompt", ""),
                k.get("use_rewrite", False),
                k.get("use_rerank", False),
                k.get("use_nl2sql", False),
            ),
            variables=tuple(
                Variable(
                    v["keyword"],
                    v.get("default_value", ""),
                    v.get("description", ""),
                    v.get("enabled", True),
                    v.get("prompt_enabled", True),
                )
                for v in data.get("variables", ())
            ),
            shortcut_command_ids=tuple(data.get("shortcut_command_ids", ())),
            client_tools=tuple(
                ClientToolSpec(t["name"], t.get("description", ""), t.get("parameters") or {})
                for t in data.get("client_tools", ())
            ),
            bot_mode=data.get("bot_mode", SINGLE_AGENT),
        )


def _unique(names: Any, what: str) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise refuse(f"{what} {name!r} appears twice")
        seen.add(name)
