"""The providers a model instance can use, and how Coze Studio's ModelClass numbers map onto them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.modelmgr.errors import UnknownProvider
from domain.modelmgr.values import ModelKind


class Protocol(StrEnum):
    """The wire protocol an adapter speaks; many vendors share OpenAI's."""

    BUILTIN = "builtin"
    OPENAI = "openai"
    DEEPSEEK = "deepseek"
    OLLAMA = "ollama"
    ANTHROPIC = "anthropic"
    LOCAL = "local"  # a model shipped in a Python package, run in-process


# Sampling parameters each protocol can pass on; others are refused when a model is configured.
_OPENAI_PARAMS = frozenset(
    {"temperature", "top_p", "max_tokens", "frequency_penalty", "presence_penalty", "response_format", "seed"}
)
SUPPORTED_PARAMETERS: dict[Protocol, frozenset[str]] = {
    Protocol.BUILTIN: frozenset(),
    Protocol.OPENAI: _OPENAI_PARAMS,
    Protocol.DEEPSEEK: _OPENAI_PARAMS,
    Protocol.OLLAMA: _OPENAI_PARAMS | {"top_k"},
    Protocol.ANTHROPIC: frozenset({"temperature", "top_p", "top_k", "max_tokens"}),
    Protocol.LOCAL: frozenset(),
}


class KeyPolicy(StrEnum):
    REQUIRED = "required"
    OPTIONAL = "optional"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class ProviderInfo:
    key: str
    name_en: str
    name_zh: str
    protocol: Protocol
    model_class: int  # Coze Studio's developer_api.ModelClass
    default_base_url: str
    api_key: KeyPolicy
    kinds: frozenset[ModelKind]


_LLM = frozenset({ModelKind.LLM})
_LLM_EMB = frozenset({ModelKind.LLM, ModelKind.TEXT_EMBEDDING})
_ALL = frozenset(ModelKind)

PROVIDERS: dict[str, ProviderInfo] = {
    p.key: p
    for p in (
        ProviderInfo(
            "builtin", "Built-in (offline)", "内置（离线）", Protocol.BUILTIN, 999, "",
            KeyPolicy.NONE, _LLM_EMB,
        ),
        ProviderInfo(
            "openai", "OpenAI", "OpenAI", Protocol.OPENAI, 1, "https://api.openai.com/v1",
            KeyPolicy.REQUIRED, _LLM_EMB,
        ),
        ProviderInfo(
            "openai_compatible", "OpenAI-compatible", "OpenAI 兼容", Protocol.OPENAI, 999, "",
            KeyPolicy.OPTIONAL, _ALL,
        ),
        ProviderInfo(
            "deepseek", "DeepSeek", "DeepSeek", Protocol.DEEPSEEK, 19, "https://api.deepseek.com/v1",
            KeyPolicy.REQUIRED, _LLM,
        ),
        ProviderInfo(
            "qwen", "Qwen (DashScope)", "通义千问", Protocol.OPENAI, 15,
            "https://dashscope.aliyuncs.com/compatible-mode/v1", KeyPolicy.REQUIRED, _LLM_EMB,
        ),
        ProviderInfo(
            "ark", "Doubao / Volcano Ark", "豆包 / 火山方舟", Protocol.OPENAI, 2,
            "https://ark.cn-beijing.volces.com/api/v3", KeyPolicy.REQUIRED, _LLM_EMB,
        ),
        ProviderInfo(
            "moonshot", "Moonshot", "月之暗面", Protocol.OPENAI, 12, "https://api.moonshot.cn/v1",
            KeyPolicy.REQUIRED, _LLM,
        ),
        ProviderInfo(
            "glm", "Zhipu GLM", "智谱", Protocol.OPENAI, 13, "https://open.bigmodel.cn/api/paas/v4",
            KeyPolicy.REQUIRED, _LLM_EMB,
        ),
        # Gemini through Google's OpenAI-compatible endpoint: see ADR 0016 for why not langchain-google-genai.
        ProviderInfo(
            "gemini", "Google Gemini", "Google Gemini", Protocol.OPENAI, 11,
            "https://generativelanguage.googleapis.com/v1beta/openai", KeyPolicy.REQUIRED, _LLM_EMB,
        ),
        ProviderInfo(
            "ollama", "Ollama", "Ollama", Protocol.OLLAMA, 20, "http://127.0.0.1:11434",
            KeyPolicy.NONE, _LLM_EMB,
        ),
        ProviderInfo(
            "anthropic", "Anthropic Claude", "Anthropic Claude", Protocol.ANTHROPIC, 3,
            "https://api.anthropic.com", KeyPolicy.REQUIRED, _LLM,
        ),
        ProviderInfo(
            "local", "Local (in-process)", "本地（进程内）", Protocol.LOCAL, 999, "", KeyPolicy.NONE,
            frozenset({ModelKind.TEXT_EMBEDDING}),
        ),
    )
}  # fmt: skip

# Coze Studio's ModelClass -> our provider; 999 (Other) means "any OpenAI-compatible server".
_BY_CLASS: dict[int, str] = {
    1: "openai",
    2: "ark",
    3: "anthropic",
    11: "gemini",
    12: "moonshot",
    13: "glm",
    14: "ark",
    15: "qwen",
    19: "deepseek",
    20: "ollama",
    999: "openai_compatible",
}


def provider(key: str) -> ProviderInfo:
    info = PROVIDERS.get(key)
    if info is None:
        raise UnknownProvider(provider=key[:40])
    return info


def provider_for_class(model_class: int) -> ProviderInfo:
    key = _BY_CLASS.get(model_class)
    if key is None:
        raise UnknownProvider(provider=f"model_class {model_class}")
    return PROVIDERS[key]
