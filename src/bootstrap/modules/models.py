"""Model management and the model runtime every chat calls."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dependency_injector import providers
from pydantic import SecretStr

from api import model_errors
from api.admin.models import ModelConfigController
from api.web import models
from application.modelmgr.seeding import SeedConfig
from bootstrap.containers.models import ModelsContainer
from bootstrap.modules.base import ContextModule, Kernel, Routes, wire
from crossdomain.modelmgr import ChatModelCatalog, EmbeddingModelCatalog, VisionModelCatalog

if TYPE_CHECKING:
    from bootstrap.container import Container
    from bootstrap.settings import Settings


def _secret(value: SecretStr | None) -> str | None:
    return None if value is None else value.get_secret_value()


def _seed_config(settings: Settings) -> SeedConfig:
    return SeedConfig(
        openai_api_key=_secret(settings.openai_api_key) or "",
        openai_base_url=settings.openai_base_url or "",
        openai_model=settings.openai_model or "",
        hash_dimension=settings.model_hash_dimension,
    )


def _containers(c: Container, kernel: Kernel) -> dict[str, providers.Container[Any]]:
    settings = c.settings.provided
    models = wire(
        ModelsContainer,
        kernel,
        membership=c.identity.space_service,
        server_secret=c.server_secret,
        secret_key=providers.Callable(_secret, settings.model_secret_key),
        previous_secret_keys=providers.Callable(
            lambda keys: [k.get_secret_value() for k in keys], settings.model_previous_secret_keys
        ),
        refresh_s=settings.model_refresh_s,
        retry_base_s=settings.model_retry_base_s,
        slot_wait_s=settings.model_slot_wait_s,
        seed_config=providers.Callable(_seed_config, c.settings),
    )
    return {"models": models}


MODULE = ContextModule(
    name="models",
    routes=Routes(web=models.ROUTES, admin=[ModelConfigController]),
    errors=model_errors.ERRORS,
    messages=model_errors.MESSAGES,
    dependencies=lambda c: {
        "model_admin": c.models.admin_service,
        "model_catalog": c.models.catalog,
    },
    health_checks=lambda c: [c.models.health()],
    # It needs the database only, and registers the first models once.
    resources=lambda c: [c.models.seeding()],
    crossdomain=lambda c: {
        ChatModelCatalog: c.models.chat_models,
        EmbeddingModelCatalog: c.models.embedding_models,
        VisionModelCatalog: c.models.vision_models,
    },
    containers=_containers,
)
