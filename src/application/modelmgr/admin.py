"""Model administration for super admins: create, update, delete, list and test model instances."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace

from application.common.actor import Actor
from application.common.admin import require_platform_admin
from application.modelmgr.dto import ConnectionTestResult, ModelChanges, ModelDTO, ModelSpec
from application.modelmgr.runtime import ModelRuntimeService
from crossdomain.audit import AuditRecorder, AuditResult
from crossdomain.permission import PermissionChecker
from domain.common.llm import ChatMessage, ChatRequest, ModelError, ModelTimeout, Role
from domain.common.ports import Clock, IdGenerator, UnitOfWorkFactory
from domain.modelmgr.entities import ModelInstance
from domain.modelmgr.errors import DefaultModelInUse, InvalidModelConfig, ModelNotFound
from domain.modelmgr.ports import ModelClientFactory, ModelRepository
from domain.modelmgr.providers import SUPPORTED_PARAMETERS, Protocol, provider
from domain.modelmgr.values import (
    Capabilities,
    Connection,
    ModelKind,
    ModelStatus,
    ParameterSpec,
    default_chat_parameters,
)

PING = "ping"


def default_capabilities(kind: ModelKind, protocol: Protocol) -> Capabilities:
    if kind is not ModelKind.LLM:
        return Capabilities()
    return Capabilities(function_calling=True, json_mode=protocol in (Protocol.OPENAI, Protocol.OLLAMA))


def default_parameters(kind: ModelKind, protocol: Protocol, caps: Capabilities) -> tuple[ParameterSpec, ...]:
    if kind is not ModelKind.LLM:
        return ()
    top = 1.0 if protocol is Protocol.ANTHROPIC else 2.0
    specs = default_chat_parameters(caps.max_output_tokens, temperature_max=top)
    return tuple(s for s in specs if s.name in SUPPORTED_PARAMETERS[protocol])


class ModelAdminService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        models: ModelRepository,
        factory: ModelClientFactory,
        runtime: ModelRuntimeService,
        audit: AuditRecorder,
        permissions: PermissionChecker,
        ids: IdGenerator,
        clock: Clock,
    ) -> None:
        self._uow, self._models, self._factory, self._runtime = uow, models, factory, runtime
        self._audit, self._permissions, self._ids, self._clock = audit, permissions, ids, clock

    async def _require_admin(self, actor: Actor | None) -> None:
        """Model configuration is part of the admin console; None is the first-start seeding."""
        if actor is not None:
            await require_platform_admin(self._permissions, actor)

    def build(self, spec: ModelSpec, model_id: int | None = None) -> ModelInstance:
        """A checked instance from a spec (not stored): for create and for testing unsaved settings."""
        info = provider(spec.provider)
        caps = spec.capabilities or default_capabilities(spec.kind, info.protocol)
        params = (
            spec.parameters
            if spec.parameters is not None
            else default_parameters(spec.kind, info.protocol, caps)
        )
        now = self._clock.now()
        return ModelInstance(
            id=model_id if model_id is not None else self._ids.next_id(),
            kind=spec.kind,
            provider=info.key,
            name=spec.name,
            description=spec.description,
            connection=Connection(
                base_url=spec.base_url,
                api_key=spec.api_key,
                model=spec.model,
                timeout_s=spec.timeout_s,
                max_retries=spec.max_retries,
                concurrency=spec.concurrency,
            ),
            capabilities=caps,
            parameters=params,
            status=spec.status,
            is_default=spec.is_default,
            fallback_id=spec.fallback_id,
            created_at=now,
            updated_at=now,
        ).check()

    async def _check_fallback(self, instance: ModelInstance) -> None:
        if instance.fallback_id is None:
            return
        other = await self._models.get(instance.fallback_id)
        if other is None or other.kind is not instance.kind or other.id == instance.id:
            raise InvalidModelConfig(reason="fallback_id must name another model of the same kind")

    async def create(self, actor: Actor | None, spec: ModelSpec) -> ModelDTO:
        await self._require_admin(actor)
        instance = self.build(spec)
        if instance.is_default and instance.status is not ModelStatus.ACTIVE:
            raise InvalidModelConfig(reason="a disabled model cannot be the default")
        async with self._uow() as uow:
            await self._check_fallback(instance)
            if instance.is_default:
                await self._models.clear_default(instance.kind)
            await self._models.add(instance)
            await uow.commit()
        self._runtime.forget()
        await self._record(actor, "admin.model.create", instance)
        return ModelDTO.of(instance)

    async def update(self, actor: Actor | None, model_id: int, changes: ModelChanges) -> ModelDTO:
        await self._require_admin(actor)
        async with self._uow() as uow:
            instance = await self._models.get(model_id)
            if instance is None:
                raise ModelNotFound(model_id=model_id)
            was_default = instance.is_default
            updated = self._apply(instance, changes)
            if was_default and (updated.status is not ModelStatus.ACTIVE or updated.is_default is False):
                raise DefaultModelInUse(model=instance.name)
            await self._check_fallback(updated)
            if updated.is_default and not was_default:
                await self._models.clear_default(updated.kind)
            await self._models.save(updated)
            await uow.commit()
        self._runtime.forget()
        await self._record(actor, "admin.model.update", updated, fields=sorted(_changed_fields(changes)))
        return ModelDTO.of(updated)

    def _apply(self, m: ModelInstance, ch: ModelChanges) -> ModelInstance:
        c = m.connection
        connection = Connection(
            base_url=c.base_url if ch.base_url is None else ch.base_url,
            api_key=c.api_key if ch.api_key is None else ch.api_key,
            model=c.model if ch.model is None else ch.model,
            timeout_s=c.timeout_s if ch.timeout_s is None else ch.timeout_s,
            max_retries=c.max_retries if ch.max_retries is None else ch.max_retries,
            concurrency=c.concurrency if ch.concurrency is None else ch.concurrency,
        )
        fallback = (
            None if ch.clear_fallback else (m.fallback_id if ch.fallback_id is None else ch.fallback_id)
        )
        return replace(
            m,
            name=m.name if ch.name is None else ch.name,
            description=m.description if ch.description is None else ch.description,
            connection=connection,
            capabilities=m.capabilities if ch.capabilities is None else ch.capabilities,
            parameters=m.parameters if ch.parameters is None else ch.parameters,
            status=m.status if ch.status is None else ch.status,
            is_default=m.is_default if ch.is_default is None else ch.is_default,
            fallback_id=fallback,
            updated_at=self._clock.now(),
        ).check()

    async def delete(self, actor: Actor | None, model_id: int) -> None:
        await self._require_admin(actor)
        async with self._uow() as uow:
            instance = await self._models.get(model_id)
            if instance is None:
                raise ModelNotFound(model_id=model_id)
            if instance.is_default:
                raise DefaultModelInUse(model=instance.name)
            instance.mark_deleted(self._clock.now())
            await self._models.save(instance)
            await uow.commit()
        self._runtime.forget()
        await self._record(actor, "admin.model.delete", instance)

    async def list_models(self, actor: Actor | None, kind: ModelKind | None = None) -> list[ModelDTO]:
        await self._require_admin(actor)
        async with self._uow():
            return [ModelDTO.of(m) for m in await self._models.list(kind)]

    async def get(self, actor: Actor, model_id: int) -> ModelDTO:
        await self._require_admin(actor)
        async with self._uow():
            instance = await self._models.get(model_id)
        if instance is None:
            raise ModelNotFound(model_id=model_id)
        return ModelDTO.of(instance)

    async def test_saved(self, actor: Actor, model_id: int) -> ConnectionTestResult:
        await self._require_admin(actor)
        async with self._uow():
            instance = await self._models.get(model_id)
        if instance is None:
            raise ModelNotFound(model_id=model_id)
        result = await self.probe(instance)
        await self._record(actor, "admin.model.test", instance, ok=result.ok)
        return result

    async def test_unsaved(self, actor: Actor, spec: ModelSpec) -> ConnectionTestResult:
        await self._require_admin(actor)
        return await self.probe(self.build(spec, model_id=0))

    async def probe(self, instance: ModelInstance) -> ConnectionTestResult:
        """One minimal call, no retries and no fallback, so the latency and the error are the provider's."""
        started = time.perf_counter()
        first: float | None = None
        sample: list[str] = []
        dimension: int | None = None
        limit = instance.connection.timeout_s + 1.0
        try:
            async with asyncio.timeout(limit):
                if instance.kind is ModelKind.LLM:
                    request = ChatRequest([ChatMessage(Role.USER, PING)], parameters={"max_tokens": 1})
                    async for chunk in self._factory.chat(instance).stream(request):
                        if chunk.text and first is None:
                            first = (time.perf_counter() - started) * 1000
                        if chunk.text and len(sample) < 8:
                            sample.append(chunk.text)
                elif instance.kind is ModelKind.TEXT_EMBEDDING:
                    dimension = len(await self._factory.embedding(instance).embed_query(PING))
                else:
                    await self._factory.rerank(instance).rerank(PING, [PING, "pong"], top_n=1)
        except ModelError as error:
            return ConnectionTestResult(False, (time.perf_counter() - started) * 1000, error=error)
        except TimeoutError:
            late = ModelTimeout(endpoint=instance.connection.endpoint, timeout=instance.connection.timeout_s)
            return ConnectionTestResult(False, (time.perf_counter() - started) * 1000, error=late)
        latency = (time.perf_counter() - started) * 1000
        return ConnectionTestResult(True, latency, first, "".join(sample)[:200], dimension)

    async def reseal_keys(self, actor: Actor | None) -> int:
        """Re-encrypt every stored API key under the current key (after a key rotation)."""
        await self._require_admin(actor)
        async with self._uow() as uow:
            count = await self._models.reseal_all()
            await uow.commit()
        return count

    async def _record(self, actor: Actor | None, action: str, m: ModelInstance, **detail: object) -> None:
        if actor is None:
            return  # seeding at start-up and the CLI: nobody to attribute it to
        await self._audit.record(
            action,
            AuditResult.OK,
            actor,
            target_type="model",
            target_id=m.id,
            detail={"name": m.name, "provider": m.provider, "kind": m.kind.value, **detail},
        )


def _changed_fields(changes: ModelChanges) -> set[str]:
    # Which fields an update touched; the API key is named, its value never is.
    return {f for f in changes.__dataclass_fields__ if getattr(changes, f) not in (None, False)}
