"""The LLM runtime: model id (or the default of a kind) -> a ready, resilient client.

Instances are read from the database at most every `refresh_s` seconds per model (other API
processes see an admin's change within that time; this process at once). Built clients are kept
per configuration version, so a run never pays for building a provider SDK client twice.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from typing import Any

from application.modelmgr.resilience import ResilientChatModel, RetryPolicy, Slots, with_retries
from domain.common.llm import (
    ChatChunk,
    ChatModel,
    ChatRequest,
    EmbeddingModel,
    InvalidModelParameter,
    ModelUnsupported,
    NoDefaultModel,
    RerankModel,
    RerankResult,
)
from domain.common.ports import UnitOfWorkFactory
from domain.modelmgr.entities import ModelInstance
from domain.modelmgr.errors import ModelDisabled, ModelNotFound
from domain.modelmgr.ports import ModelClientFactory, ModelRepository
from domain.modelmgr.values import ModelKind, ParameterSpec, resolve_parameters

MAX_CLIENTS = 256


class _CheckedChat:
    """Applies the model's parameter specs (defaults, ranges) and capabilities before each call."""

    def __init__(self, inner: ChatModel, instance: ModelInstance, *, lenient: bool = False) -> None:
        self._inner = inner
        self._specs = instance.parameters
        self._tools = instance.capabilities.function_calling
        self._vision = instance.capabilities.vision
        self._name = instance.name
        # A fallback gets parameters chosen for another model: it keeps those it takes, drops the rest.
        self._lenient = lenient

    def stream(self, request: ChatRequest) -> AsyncIterator[ChatChunk]:
        return self._stream(request)

    async def _stream(self, request: ChatRequest) -> AsyncIterator[ChatChunk]:
        # Checked inside the iteration, like every other failure of a call.
        if request.tools and not self._tools:
            raise ModelUnsupported(model=self._name, feature="function calling")
        if not self._vision and any(m.images for m in request.messages):
            raise ModelUnsupported(model=self._name, feature="image input")
        given = request.parameters
        if self._lenient:
            given = {k: v for k, v in given.items() if _acceptable(self._specs, k, v)}
        parameters = resolve_parameters(self._specs, given)
        async for chunk in self._inner.stream(replace(request, parameters=parameters)):
            yield chunk


def _acceptable(specs: Sequence[ParameterSpec], name: str, value: Any) -> bool:
    for spec in specs:
        if spec.name == name:
            try:
                spec.coerce(value)
            except InvalidModelParameter:
                return False
            return True
    return False


class _ResilientEmbeddings:
    def __init__(self, inner: EmbeddingModel, policy: RetryPolicy, slots: Slots) -> None:
        self._inner, self._policy, self._slots = inner, policy, slots

    @property
    def dimension(self) -> int | None:
        return self._inner.dimension

    async def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        return await with_retries(lambda: self._inner.embed_documents(texts), self._policy, self._slots)

    async def embed_query(self, text: str) -> list[float]:
        return await with_retries(lambda: self._inner.embed_query(text), self._policy, self._slots)


class _ResilientRerank:
    def __init__(self, inner: RerankModel, policy: RetryPolicy, slots: Slots) -> None:
        self._inner, self._policy, self._slots = inner, policy, slots

    async def rerank(
        self, query: str, documents: Sequence[str], top_n: int | None = None
    ) -> list[RerankResult]:
        return await with_retries(
            lambda: self._inner.rerank(query, documents, top_n), self._policy, self._slots
        )


class ModelRuntimeService:
    """domain.common.llm.ModelRuntime over the model table."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        models: ModelRepository,
        factory: ModelClientFactory,
        *,
        refresh_s: float = 5.0,
        retry_base_s: float = 0.5,
        slot_wait_s: float = 60.0,
    ) -> None:
        self._uow, self._models, self._factory = uow, models, factory
        self._refresh_s = refresh_s
        self._retry_base_s = retry_base_s
        self._slot_wait_s = slot_wait_s
        self._instances: dict[Any, tuple[float, ModelInstance]] = {}
        self._clients: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._slots: dict[int, Slots] = {}

    def forget(self, model_id: int | None = None) -> None:
        """Drop cached configuration (all, or one model's): called when an admin changes a model."""
        if model_id is None:
            self._instances.clear()
        else:
            self._instances = {k: v for k, v in self._instances.items() if v[1].id != model_id}

    async def instance(self, model_id: int | None, kind: ModelKind) -> ModelInstance:
        key = model_id if model_id is not None else kind
        cached = self._instances.get(key)
        now = time.monotonic()
        if cached is not None and now - cached[0] < self._refresh_s:
            found = cached[1]
        else:
            async with self._uow():
                found_or_none = (
                    await self._models.get(model_id)
                    if model_id is not None
                    else await self._models.default_for(kind)
                )
            if found_or_none is None:
                raise (
                    ModelNotFound(model_id=model_id)
                    if model_id is not None
                    else NoDefaultModel(kind=kind.value)
                )
            found = found_or_none
            self._instances[key] = (now, found)
        if found.kind is not kind:
            raise ModelNotFound(model_id=model_id)
        if not found.is_active:
            raise ModelDisabled(model=found.name)
        return found

    def _cached(self, purpose: str, instance: ModelInstance, build: Any) -> Any:
        key = (purpose, *instance.version)
        client = self._clients.get(key)
        if client is None:
            client = build(instance)
            self._clients[key] = client
            if len(self._clients) > MAX_CLIENTS:
                self._clients.popitem(last=False)
        else:
            self._clients.move_to_end(key)
        return client

    def _policy(self, instance: ModelInstance, *, retries: bool = True) -> RetryPolicy:
        return RetryPolicy(
            max_retries=instance.connection.max_retries if retries else 0, base_delay_s=self._retry_base_s
        )

    def slots(self, instance: ModelInstance) -> Slots:
        limit = instance.connection.concurrency
        slots = self._slots.get(instance.id)
        if slots is None or slots.limit != limit:
            slots = Slots(limit, self._slot_wait_s)
            self._slots[instance.id] = slots
        return slots

    def chat_client(
        self, instance: ModelInstance, *, with_fallback: bool = True, lenient: bool = False
    ) -> ChatModel:
        raw = self._cached("chat", instance, self._factory.chat)
        fallback_id = instance.fallback_id if with_fallback else None

        async def fallback() -> ChatModel | None:
            try:
                other = await self.instance(fallback_id, ModelKind.LLM)
            except (ModelNotFound, ModelDisabled):
                return None
            return self.chat_client(
                other, with_fallback=False, lenient=True
            )  # one level: no chains or cycles

        resilient = ResilientChatModel(
            raw, self._policy(instance), self.slots(instance), fallback if fallback_id is not None else None
        )
        return _CheckedChat(resilient, instance, lenient=lenient)

    async def chat_model(self, model_id: int | None = None) -> ChatModel:
        return self.chat_client(await self.instance(model_id, ModelKind.LLM))

    async def embedding_model(self, model_id: int | None = None) -> EmbeddingModel:
        instance = await self.instance(model_id, ModelKind.TEXT_EMBEDDING)
        raw = self._cached("embedding", instance, self._factory.embedding)
        return _ResilientEmbeddings(raw, self._policy(instance), self.slots(instance))

    async def rerank_model(self, model_id: int | None = None) -> RerankModel:
        instance = await self.instance(model_id, ModelKind.RERANK)
        raw = self._cached("rerank", instance, self._factory.rerank)
        return _ResilientRerank(raw, self._policy(instance), self.slots(instance))
