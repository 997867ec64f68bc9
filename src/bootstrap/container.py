"""The composition root: the shared infrastructure, with every context module's containers attached.

Contexts are not listed here: `compose` attaches what each module of `bootstrap.modules.MODULES`
wires (ADR 0041), so adding a context touches the module list only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dependency_injector import containers, providers

from bootstrap.containers.audit import AuditContainer
from bootstrap.containers.core import CoreContainer
from bootstrap.containers.fulltext import FullTextContainer
from bootstrap.containers.storage import StorageContainer
from bootstrap.containers.vectors import VectorContainer
from bootstrap.settings import Settings
from infra.outbound.client import GuardedHttpClient
from infra.outbound.policy import AddressPolicy
from infra.security.secrets import server_secret as load_server_secret


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
    # The audit log is kernel: every context records through it (crossdomain.audit.AuditRecorder).
    audit: providers.Container[AuditContainer] = providers.Container(
        AuditContainer, uow=core.uow, ids=core.ids, clock=core.clock
    )
    fulltext = providers.Container(
        FullTextContainer,
        url=settings.provided.resolved_fulltext_url,
        content_type=settings.provided.fulltext_content_type,
        api_key=settings.provided.fulltext_api_key,
        timeout_s=settings.provided.fulltext_timeout_s,
    )
    vectors = providers.Container(
        VectorContainer,
        uri=settings.provided.resolved_vector_uri,
        token=settings.provided.vector_token,
        db_name=settings.provided.vector_db_name,
        consistency=settings.provided.vector_consistency,
        timeout_s=settings.provided.vector_timeout_s,
    )

    # The only way to a URL a user supplied (DESIGN.md §6, ADR 0042); contexts take it by wiring.
    outbound = providers.Singleton(
        GuardedHttpClient,
        providers.Callable(
            AddressPolicy.from_settings,
            settings.provided.outbound_allow_networks,
            settings.provided.outbound_ports,
        ),
        timeout_s=settings.provided.outbound_timeout_s,
        max_bytes=settings.provided.outbound_max_bytes,
    )

    if TYPE_CHECKING:
        # The contexts' containers, attached by `compose` (their names: the modules' `containers`).
        def __getattr__(self, name: str) -> Any: ...


def build_container(settings: Settings) -> Container:
    """The root with every module's containers attached, their event listeners on the bus, and
    their error specs and messages installed in the API registries."""
    from bootstrap.modules import MODULES, compose, install  # the modules name this class: import them late

    install()
    container = Container(settings=settings)
    compose(container, MODULES)
    listeners = [listener for module in MODULES for listener in module.listeners(container)]
    container.eventbus.listeners.override(providers.List(*listeners))
    consumers = [consumer for module in MODULES for consumer in module.consumers(container)]
    container.eventbus.consumers.override(providers.List(*consumers))
    return container
