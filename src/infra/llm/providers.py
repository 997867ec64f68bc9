"""One small builder per wire protocol: a model instance -> a langchain-core chat model.

Each provider package is imported when a model of that provider is first built: the SDKs take
seconds to import, and a server with only built-in models never pays for them. Retries are ours
(the runtime retries only what may succeed), so every SDK is built with max_retries=0.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.modelmgr.entities import ModelInstance
from domain.modelmgr.errors import UnknownProvider
from domain.modelmgr.providers import Protocol, provider
from infra.llm.langchain_chat import LangchainChatModel


def _openai_params(params: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in params.items() if k != "response_format"}
    if params.get("response_format") == "json":
        out["response_format"] = {"type": "json_object"}
    return out


def _ollama_params(params: Mapping[str, Any]) -> dict[str, Any]:
    names = {"max_tokens": "num_predict", "frequency_penalty": "frequency_penalty"}
    options = {names.get(k, k): v for k, v in params.items() if k != "response_format"}
    out: dict[str, Any] = {"options": options} if options else {}
    if params.get("response_format") == "json":
        out["format"] = "json"
    return out


def _anthropic_params(params: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if k in ("temperature", "top_p", "top_k", "max_tokens")}


def _own_http_client() -> Any:
    """An HTTP client for one built model. langchain-openai and langchain-anthropic otherwise share
    one cached client per base URL across the process, whose connections belong to the event loop
    that opened them; a model built later on another loop (a second app, a CLI run) would inherit
    dead connections. Ours live and die with the model in the runtime's client cache."""
    import openai

    return openai.DefaultAsyncHttpxClient()


def _openai(instance: ModelInstance) -> Any:
    from langchain_openai import ChatOpenAI

    c = instance.connection
    options: dict[str, Any] = {
        "http_async_client": _own_http_client(),
        "model": c.model,
        "base_url": c.base_url,
        # OpenAI-compatible servers without auth still need some key for the SDK to send a request.
        "api_key": c.api_key or "unused",
        "timeout": c.timeout_s,
        "max_retries": 0,
        "stream_usage": True,
    }
    return ChatOpenAI(**options)


def _deepseek(instance: ModelInstance) -> Any:
    from langchain_deepseek import ChatDeepSeek

    c = instance.connection
    options: dict[str, Any] = {
        "http_async_client": _own_http_client(),
        "model": c.model,
        "api_base": c.base_url,
        "api_key": c.api_key,
        "timeout": c.timeout_s,
        "max_retries": 0,
        "stream_usage": True,
    }
    return ChatDeepSeek(**options)


def _ollama(instance: ModelInstance) -> Any:
    from langchain_ollama import ChatOllama

    c = instance.connection
    client: dict[str, Any] = {"timeout": c.timeout_s}
    if c.api_key:  # an Ollama behind an authenticating proxy
        client["headers"] = {"Authorization": f"Bearer {c.api_key}"}
    return ChatOllama(model=c.model, base_url=c.base_url, client_kwargs=client, validate_model_on_init=False)


def _anthropic(instance: ModelInstance) -> Any:
    from functools import cached_property

    import anthropic
    from langchain_anthropic import ChatAnthropic

    class OwnClientAnthropic(ChatAnthropic):
        # See _own_http_client: the SDK builds a client of its own instead of the shared cached one.
        @cached_property
        def _async_client(self) -> anthropic.AsyncClient:
            return anthropic.AsyncClient(**self._client_params)

    c = instance.connection
    ceiling = instance.capabilities.max_output_tokens or 4096
    options: dict[str, Any] = {
        "model": c.model,
        "base_url": c.base_url,
        "api_key": c.api_key,
        "timeout": c.timeout_s,
        "max_retries": 0,
        "max_tokens": min(4096, ceiling),  # Anthropic requires a bound on every request
        "stream_usage": True,
    }
    return OwnClientAnthropic(**options)


_BUILDERS = {
    Protocol.OPENAI: (_openai, _openai_params),
    Protocol.DEEPSEEK: (_deepseek, _openai_params),
    Protocol.OLLAMA: (_ollama, _ollama_params),
    Protocol.ANTHROPIC: (_anthropic, _anthropic_params),
}


def build_chat(instance: ModelInstance) -> LangchainChatModel:
    info = provider(instance.provider)
    entry = _BUILDERS.get(info.protocol)
    if entry is None:
        raise UnknownProvider(provider=instance.provider)
    build, mapper = entry
    c = instance.connection
    return LangchainChatModel(
        build(instance),
        endpoint=c.endpoint,
        timeout_s=c.timeout_s,
        secrets=(c.api_key,) if c.api_key else (),
        map_parameters=mapper,
    )
