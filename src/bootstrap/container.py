"""The composition root: wires every context's container to the shared infrastructure."""

from __future__ import annotations

from dependency_injector import containers, providers
from pydantic import SecretStr

from api.chat_errors import chat_error
from application.modelmgr.seeding import SeedConfig
from bootstrap.containers.agent import AgentContainer
from bootstrap.containers.audit import AuditContainer
from bootstrap.containers.chat import ChatContainer
from bootstrap.containers.conversation import ConversationContainer
from bootstrap.containers.core import CoreContainer
from bootstrap.containers.corporation import CorporationContainer
from bootstrap.containers.eventbus import EventBusContainer
from bootstrap.containers.fulltext import FullTextContainer
from bootstrap.containers.identity import IdentityContainer
from bootstrap.containers.models import ModelsContainer
from bootstrap.containers.permission import PermissionContainer
from bootstrap.containers.storage import StorageContainer
from bootstrap.containers.system import SystemContainer
from bootstrap.containers.upload import UploadContainer
from bootstrap.containers.vectors import VectorContainer
from bootstrap.modules.base import Kernel, wire
from bootstrap.settings import Settings
from infra.security.secrets import server_secret as load_server_secret


def _secret(value: SecretStr | None) -> str | None:
    return None if value is None else value.get_secret_value()


def _seed_config(settings: Settings) -> SeedConfig:
    return SeedConfig(
        openai_api_key=_secret(settings.openai_api_key) or "",
        openai_base_url=settings.openai_base_url or "",
        openai_model=settings.openai_model or "",
        hash_dimension=settings.model_hash_dimension,
    )


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)

    core = providers.Container(
        CoreContainer,
        database_url=settings.provided.resolved_database_url,
        worker_id=settings.provided.worker_id,
        db_pool_size=settings.provided.db_pool_size,
        db_echo=settings.provided.db_echo,
        nats_url=settings.provided.resolved_nats_url,
        nats_replicas=settings.provided.nats_replicas,
        nats_timeout=settings.provided.nats_timeout_s,
        runstream_adapter=settings.provided.runstream_adapter,
        runstream_ttl=settings.provided.runstream_ttl_s,
        runstream_max_events=settings.provided.runstream_max_events,
        runstream_stream=settings.provided.runstream_stream,
        runstream_subject_prefix=settings.provided.runstream_subject_prefix,
        kv_adapter=settings.provided.kv_adapter,
        kv_max_ttl=settings.provided.kv_max_ttl_s,
        kv_bucket=settings.provided.kv_bucket,
    )
    server_secret = providers.Singleton(
        load_server_secret, settings.provided.secret_key, settings.provided.data_dir
    )
    storage: providers.Container[StorageContainer] = providers.Container(
        StorageContainer,
        storage_url=settings.provided.storage_url,
        data_dir=settings.provided.data_dir,
        access_key=settings.provided.storage_access_key,
        secret_key=settings.provided.storage_secret_key,
        link_secret=settings.provided.storage_link_secret,
        server_secret=server_secret,
        public_url=settings.provided.resolved_storage_public_url,
        max_upload_bytes=settings.provided.storage_max_upload_bytes,
        clock=core.clock,
    )
    # The shared kernel, growing as audit and permission join it; `wire` hands each context the
    # kernel inputs its container declares, so only its own inputs are spelled out below.
    base = Kernel(uow=core.uow, ids=core.ids, clock=core.clock, settings=settings)
    upload: providers.Container[UploadContainer] = wire(
        UploadContainer,
        base,
        storage=storage.object_storage,
        max_bytes=settings.provided.upload_max_bytes,
        link_ttl_s=settings.provided.upload_link_ttl_s,
    )
    audit: providers.Container[AuditContainer] = wire(AuditContainer, base)
    permission: providers.Container[PermissionContainer] = wire(
        PermissionContainer,
        Kernel(uow=core.uow, ids=core.ids, clock=core.clock, settings=settings, audit=audit.audit_log),
        cache_max_age_s=settings.provided.permission_cache_max_age_s,
        cache_size=settings.provided.permission_cache_size,
    )
    kernel = Kernel(
        uow=core.uow,
        ids=core.ids,
        clock=core.clock,
        settings=settings,
        audit=audit.audit_log,
        permissions=permission.checker,
    )
    system: providers.Container[SystemContainer] = wire(SystemContainer, kernel, audit_entries=audit.entries)
    identity: providers.Container[IdentityContainer] = wire(
        IdentityContainer,
        kernel,
        settings_reader=system.settings_service,
        server_secret=server_secret,
        allow_registration=settings.provided.allow_registration,
        session_days=settings.provided.session_days,
        kv=core.kv,
        rate_limit_token_per_min=settings.provided.rate_limit_token_per_min,
        rate_limit_user_per_min=settings.provided.rate_limit_user_per_min,
        token_auth_cache_ttl_s=settings.provided.token_auth_cache_ttl_s,
    )
    corporation: providers.Container[CorporationContainer] = wire(
        CorporationContainer,
        kernel,
        users=identity.users,
    )
    fulltext = providers.Container(
        FullTextContainer,
        url=settings.provided.resolved_fulltext_url,
        content_type=settings.provided.fulltext_content_type,
        api_key=settings.provided.fulltext_api_key,
        timeout_s=settings.provided.fulltext_timeout_s,
    )
    eventbus: providers.Container[EventBusContainer] = wire(
        EventBusContainer,
        kernel,
        database=core.database,
        nats=core.nats,
    )
    vectors = providers.Container(
        VectorContainer,
        uri=settings.provided.resolved_vector_uri,
        token=settings.provided.vector_token,
        db_name=settings.provided.vector_db_name,
        consistency=settings.provided.vector_consistency,
        timeout_s=settings.provided.vector_timeout_s,
    )
    models: providers.Container[ModelsContainer] = wire(
        ModelsContainer,
        kernel,
        membership=identity.space_service,
        server_secret=server_secret,
        secret_key=providers.Callable(_secret, settings.provided.model_secret_key),
        previous_secret_keys=providers.Callable(
            lambda keys: [k.get_secret_value() for k in keys], settings.provided.model_previous_secret_keys
        ),
        refresh_s=settings.provided.model_refresh_s,
        retry_base_s=settings.provided.model_retry_base_s,
        slot_wait_s=settings.provided.model_slot_wait_s,
        seed_config=providers.Callable(_seed_config, settings),
    )
    agent: providers.Container[AgentContainer] = wire(
        AgentContainer,
        kernel,
        membership=identity.space_service,
        chat_models=models.chat_models,
        files=upload.uploaded_files,
    )

    conversation: providers.Container[ConversationContainer] = wire(
        ConversationContainer,
        kernel,
        agents=agent.directory,
        files=upload.uploaded_files,
    )

    chat: providers.Container[ChatContainer] = wire(
        ChatContainer,
        kernel,
        access=conversation.access,
        conversations=conversation.conversations,
        sections=conversation.sections,
        messages=conversation.messages,
        runs=conversation.chat_runs,
        directory=agent.directory,
        files=upload.uploaded_files,
        streams=core.run_streams,
        kv=core.kv,
        models=models.runtime,
        renderer=agent.persona_renderer,
        describe_error=providers.Object(chat_error),
        title_mode=settings.provided.chat_titles,
        writes=core.uow.provided.writer.call(),
        tool_wait_s=settings.provided.chat_tool_wait_s,
    )


def build_container(settings: Settings) -> Container:
    """The container with every module's event listeners on the bus, and its error specs and
    messages installed in the API registries."""
    from bootstrap.modules import MODULES, install  # the modules name this class: import them late

    install()
    container = Container(settings=settings)
    listeners = [listener for module in MODULES for listener in module.listeners(container)]
    container.eventbus.listeners.override(providers.List(*listeners))
    return container
