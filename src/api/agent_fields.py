"""Fields the token API and the SPA share for agents."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import msgspec

from api.schemas import parse_id
from domain.agent.errors import InvalidAgentConfig
from domain.agent.values import ClientToolSpec, KnowledgeBinding, ModelSettings, PluginBinding
from domain.common.errors import InvalidInput


class ClientToolConfig(msgspec.Struct):
    """A tool the client runs (cozeplus extension of Coze's bot shapes)."""

    name: str
    description: str = ""
    parameters: dict[str, Any] = msgspec.field(default_factory=lambda: {"type": "object", "properties": {}})


def ids_of(values: list[str], name: str) -> tuple[int, ...]:
    try:
        return tuple(parse_id(v) for v in values)
    except InvalidInput:
        raise InvalidAgentConfig(reason=f"{name} must hold int64 ids as strings") from None


def one_id(value: str, name: str) -> int:
    return ids_of([value], name)[0]


# Sampling options both surfaces name alike (their bodies differ in everything else).
SAMPLING = ("temperature", "max_tokens", "top_k", "top_p", "presence_penalty", "frequency_penalty")


def model_settings(
    body: Any, model_id: str | None, history_rounds: int | None, current_time: bool | None
) -> dict[str, Any]:
    """The model settings a body names, keyed as AgentChanges.model wants them."""
    patch: dict[str, Any] = {} if model_id is None else {"model_id": one_id(model_id, "model_id")}
    patch.update({name: getattr(body, name) for name in SAMPLING if getattr(body, name) is not None})
    if history_rounds is not None:
        patch["history_rounds"] = history_rounds
    if current_time is not None:
        patch["current_time_in_prompt"] = current_time
    return patch


def sampling_values(m: ModelSettings) -> dict[str, Any]:
    """The sampling options as both surfaces answer them: every name, None where the model's
    default applies (the reverse of model_settings)."""
    return {name: getattr(m, name) for name in SAMPLING}


def plugin_bindings(plugins: Iterable[Any] | None) -> tuple[PluginBinding, ...] | None:
    """Items with `plugin_id` and `api_id` strings; None when the body leaves plugins unchanged."""
    if plugins is None:
        return None
    return tuple(PluginBinding(one_id(p.plugin_id, "plugin_id"), one_id(p.api_id, "api_id")) for p in plugins)


def client_tool_specs(tools: list[ClientToolConfig] | None) -> tuple[ClientToolSpec, ...] | None:
    return (
        None if tools is None else tuple(ClientToolSpec(t.name, t.description, t.parameters) for t in tools)
    )


def client_tool_configs(tools: Iterable[ClientToolSpec]) -> list[ClientToolConfig]:
    return [ClientToolConfig(t.name, t.description, dict(t.parameters)) for t in tools]


class RecallStrategy(msgspec.Struct):
    """Coze's bot_common RecallStrategy."""

    use_rerank: bool | None = None
    use_rewrite: bool | None = None
    use_nl2sql: bool | None = None


# Knowledge settings both surfaces name as Coze's bot Knowledge and the binding do.
KNOWLEDGE_SETTINGS = (
    "top_k",
    "min_score",
    "search_strategy",
    "show_source",
    "show_source_mode",
    "no_recall_reply_mode",
    "no_recall_reply_customize_prompt",
)


def knowledge_settings(
    body: Any, dataset_ids: tuple[int, ...] | None, auto_call: bool | None
) -> dict[str, Any]:
    """The knowledge settings a body names, keyed as AgentChanges.knowledge wants them: a field left
    out (None) keeps the stored value."""
    patch: dict[str, Any] = {
        name: getattr(body, name) for name in KNOWLEDGE_SETTINGS if getattr(body, name) is not None
    }
    if dataset_ids is not None:
        patch["dataset_ids"] = dataset_ids
    if auto_call is not None:
        patch["auto_call"] = auto_call
    recall: RecallStrategy | None = body.recall_strategy
    if recall is not None:
        if recall.use_nl2sql is not None:
            patch["use_nl2sql"] = recall.use_nl2sql
        if recall.use_rerank is not None:
            patch["use_rerank"] = recall.use_rerank
        if recall.use_rewrite is not None:
            patch["use_rewrite"] = recall.use_rewrite
    return patch


def knowledge_values(k: KnowledgeBinding) -> dict[str, Any]:
    """The knowledge settings as both surfaces answer them (the reverse of knowledge_settings, but
    for the ids and auto_call, which the surfaces spell differently)."""
    values: dict[str, Any] = {name: getattr(k, name) for name in KNOWLEDGE_SETTINGS}
    values["no_recall_reply_mode"] = int(k.no_recall_reply_mode)
    values["recall_strategy"] = RecallStrategy(k.use_rerank, k.use_rewrite, k.use_nl2sql)
    return values
