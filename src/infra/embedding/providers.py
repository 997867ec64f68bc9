"""Embedding models of providers (langchain-core Embeddings) behind the runtime port."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain.common.llm import ModelBadResponse
from domain.modelmgr.entities import ModelInstance
from domain.modelmgr.errors import KindNotOffered
from domain.modelmgr.providers import Protocol, provider
from infra.llm.errors import classify


class LangchainEmbeddings:
    def __init__(
        self, model: Any, *, endpoint: str, timeout_s: float, secrets: tuple[str, ...], dimension: int
    ) -> None:
        self._model = model
        self._endpoint, self._timeout_s, self._secrets = endpoint, timeout_s, secrets
        self._dimension = dimension or None

    @property
    def dimension(self) -> int | None:
        return self._dimension

    def _checked(self, vectors: list[list[float]], expected: int) -> list[list[float]]:
        if len(vectors) != expected or any(not v for v in vectors):
            raise ModelBadResponse(reason=f"expected {expected} vectors, got {len(vectors)}")
        size = len(vectors[0])
        if any(len(v) != size for v in vectors) or (self._dimension and size != self._dimension):
            raise ModelBadResponse(
                reason=f"vector length {size} differs from the configured {self._dimension}"
            )
        return vectors

    async def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        try:
            vectors = await self._model.aembed_documents(list(texts))
        except Exception as exc:
            raise classify(
                exc, endpoint=self._endpoint, timeout_s=self._timeout_s, secrets=self._secrets
            ) from None
        return self._checked(vectors, len(texts))

    async def embed_query(self, text: str) -> list[float]:
        return (await self.embed_documents([text]))[0]


def build_embedding(instance: ModelInstance) -> LangchainEmbeddings:
    info = provider(instance.provider)
    c = instance.connection
    dimension = instance.capabilities.embedding_dimension
    model: Any
    if info.protocol is Protocol.OPENAI:
        from langchain_openai import OpenAIEmbeddings

        options: dict[str, Any] = {
            "model": c.model,
            "base_url": c.base_url,
            "api_key": c.api_key or "unused",
            "timeout": c.timeout_s,
            "max_retries": 0,
            "dimensions": dimension or None,
            # Token-length checks would fetch a tiktoken file from the network: send raw text instead.
            "check_embedding_ctx_length": False,
            "tiktoken_enabled": False,
        }
        model = OpenAIEmbeddings(**options)
    elif info.protocol is Protocol.OLLAMA:
        from langchain_ollama import OllamaEmbeddings

        client: dict[str, Any] = {"timeout": c.timeout_s}
        if c.api_key:
            client["headers"] = {"Authorization": f"Bearer {c.api_key}"}
        model = OllamaEmbeddings(model=c.model, base_url=c.base_url, client_kwargs=client)
    else:
        raise KindNotOffered(provider=info.key, kind=instance.kind.value)
    secrets = (c.api_key,) if c.api_key else ()
    return LangchainEmbeddings(
        model, endpoint=c.endpoint, timeout_s=c.timeout_s, secrets=secrets, dimension=dimension
    )
