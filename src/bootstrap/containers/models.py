from __future__ import annotations

from dependency_injector import containers, providers

from application.modelmgr.admin import ModelAdminService
from application.modelmgr.catalog import ModelCatalog
from application.modelmgr.chat_models import CatalogChatModels, CatalogEmbeddingModels, CatalogVisionModels
from application.modelmgr.health import ModelsHealth
from application.modelmgr.runtime import ModelRuntimeService
from application.modelmgr.seeding import ModelSeeding, SeedConfig
from crossdomain.audit import AuditRecorder
from crossdomain.permission import PermissionChecker
from crossdomain.space import SpaceMembership
from domain.common.ports import Clock, IdGenerator, UnitOfWorkFactory
from infra.llm.factory import LangchainModelFactory
from infra.persistence.modelmgr import SqlModelRepository
from infra.security.cipher import AesGcmCipher


def model_cipher(configured: str | None, previous: list[str], server_secret: bytes) -> AesGcmCipher:
    """The configured model key, else one derived from the server secret (HKDF, its own purpose)."""
    current = configured.encode() if configured else server_secret
    return AesGcmCipher(current, [p.encode() for p in previous])


class ModelsContainer(containers.DeclarativeContainer):
    """Context modelmgr: model instances, the LLM runtime, first-start registration."""

    uow: providers.Dependency[UnitOfWorkFactory] = providers.Dependency()
    ids: providers.Dependency[IdGenerator] = providers.Dependency()
    clock: providers.Dependency[Clock] = providers.Dependency()
    audit: providers.Dependency[AuditRecorder] = providers.Dependency()
    permissions: providers.Dependency[PermissionChecker] = providers.Dependency()
    membership: providers.Dependency[SpaceMembership] = providers.Dependency()
    server_secret: providers.Dependency[bytes] = providers.Dependency(instance_of=bytes)
    secret_key: providers.Dependency[str | None] = providers.Dependency()
    previous_secret_keys: providers.Dependency[list[str]] = providers.Dependency(instance_of=list)
    refresh_s = providers.Dependency(instance_of=float, default=5.0)
    retry_base_s = providers.Dependency(instance_of=float, default=0.5)
    slot_wait_s = providers.Dependency(instance_of=float, default=60.0)
    seed_config: providers.Dependency[SeedConfig] = providers.Dependency(instance_of=SeedConfig)

    cipher = providers.Singleton(model_cipher, secret_key, previous_secret_keys, server_secret)
    repository = providers.Singleton(SqlModelRepository, cipher=cipher)
    factory = providers.Singleton(LangchainModelFactory)
    runtime = providers.Singleton(
        ModelRuntimeService,
        uow=uow,
        models=repository,
        factory=factory,
        refresh_s=refresh_s,
        retry_base_s=retry_base_s,
        slot_wait_s=slot_wait_s,
    )
    admin_service = providers.Singleton(
        ModelAdminService,
        uow=uow,
        models=repository,
        factory=factory,
        runtime=runtime,
        audit=audit,
        permissions=permissions,
        ids=ids,
        clock=clock,
    )
    # crossdomain.modelmgr.ChatModelCatalog for the agent context
    chat_models = providers.Singleton(CatalogChatModels, uow=uow, models=repository)
    # crossdomain.modelmgr.EmbeddingModelCatalog for the knowledge context
    embedding_models = providers.Singleton(CatalogEmbeddingModels, uow=uow, models=repository)
    # crossdomain.modelmgr.VisionModelCatalog for the knowledge context (image captions)
    vision_models = providers.Singleton(CatalogVisionModels, uow=uow, models=repository)
    catalog = providers.Singleton(ModelCatalog, uow=uow, models=repository, membership=membership)
    seeding = providers.Singleton(
        ModelSeeding, uow=uow, models=repository, admin=admin_service, config=seed_config
    )
    health = providers.Singleton(ModelsHealth, runtime=runtime)
