"""ModelClientFactory: the composition of every adapter, chosen by the instance's provider protocol."""

from __future__ import annotations

from domain.common.llm import ChatModel, EmbeddingModel, RerankModel
from domain.modelmgr.entities import BUILTIN_ECHO, ModelInstance
from domain.modelmgr.errors import KindNotOffered
from domain.modelmgr.providers import Protocol, provider
from infra.embedding.hashing import DEFAULT_DIMENSION, HashingEmbeddings
from infra.llm.echo import EchoChatModel
from infra.llm.rerank import HttpReranker


class LangchainModelFactory:
    def __init__(self, echo_slow_delay_s: float = 0.2) -> None:
        self._echo_slow_delay_s = echo_slow_delay_s

    def chat(self, instance: ModelInstance) -> ChatModel:
        info = provider(instance.provider)
        if info.protocol is Protocol.BUILTIN:
            if instance.connection.model != BUILTIN_ECHO:
                raise KindNotOffered(provider=f"builtin {instance.connection.model}", kind="llm")
            return EchoChatModel(self._echo_slow_delay_s)
        from infra.llm.providers import build_chat

        return build_chat(instance)

    def embedding(self, instance: ModelInstance) -> EmbeddingModel:
        info = provider(instance.provider)
        if info.protocol is Protocol.BUILTIN:
            return HashingEmbeddings(instance.capabilities.embedding_dimension or DEFAULT_DIMENSION)
        if info.protocol is Protocol.LOCAL:
            from infra.embedding.local import LocalSentenceEmbeddings

            return LocalSentenceEmbeddings(instance.connection.model)
        from infra.embedding.providers import build_embedding

        return build_embedding(instance)

    def rerank(self, instance: ModelInstance) -> RerankModel:
        return HttpReranker(instance)
