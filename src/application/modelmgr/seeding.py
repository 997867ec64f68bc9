"""First start: an empty model table gets the built-in models, plus an OpenAI-compatible model from
OPENAI_API_KEY (and OPENAI_BASE_URL, OPENAI_MODEL) when set, which then becomes the default.

Runs once per database: only when no model row was ever stored, and every seeded row carries a
unique seed key, so API processes starting together cannot register a model twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from application.modelmgr.admin import ModelAdminService
from application.modelmgr.dto import ModelSpec
from domain.common.ports import UnitOfWorkFactory
from domain.modelmgr.entities import BUILTIN_ECHO, BUILTIN_HASH
from domain.modelmgr.ports import ModelRepository
from domain.modelmgr.values import Capabilities, ModelKind

DEFAULT_OPENAI_MODEL = "gpt-4o-mini"


@dataclass(frozen=True, slots=True)
class SeedConfig:
    openai_api_key: str = ""
    openai_base_url: str = ""
    openai_model: str = ""
    hash_dimension: int = 256


def seed_specs(config: SeedConfig) -> list[tuple[str, ModelSpec]]:
    with_openai = bool(config.openai_api_key)
    specs = [
        (
            BUILTIN_ECHO,
            ModelSpec(
                kind=ModelKind.LLM,
                provider="builtin",
                name=BUILTIN_ECHO,
                model=BUILTIN_ECHO,
                description="Built-in test model: echoes your last message word by word. Not an AI.",
                capabilities=Capabilities(function_calling=True, context_window=1_000_000),
                parameters=(),
                is_default=not with_openai,
            ),
        ),
        (
            BUILTIN_HASH,
            ModelSpec(
                kind=ModelKind.TEXT_EMBEDDING,
                provider="builtin",
                name=BUILTIN_HASH,
                model=BUILTIN_HASH,
                description="Built-in lexical embeddings (feature hashing): shared words, not meaning.",
                capabilities=Capabilities(embedding_dimension=config.hash_dimension),
                is_default=True,
            ),
        ),
    ]
    if with_openai:
        model = config.openai_model or DEFAULT_OPENAI_MODEL
        specs.append(
            (
                "env-openai",
                ModelSpec(
                    kind=ModelKind.LLM,
                    provider="openai_compatible" if config.openai_base_url else "openai",
                    name=model,
                    model=model,
                    base_url=config.openai_base_url,
                    api_key=config.openai_api_key,
                    description="Registered from OPENAI_API_KEY at first start.",
                    is_default=True,
                ),
            )
        )
    return specs


class ModelSeeding:
    """A start-up resource: registers the first models, then has nothing to run or stop."""

    def __init__(
        self, uow: UnitOfWorkFactory, models: ModelRepository, admin: ModelAdminService, config: SeedConfig
    ) -> None:
        self._uow, self._models, self._admin, self._config = uow, models, admin, config
        self.seeded: list[str] = []

    async def start(self) -> None:
        async with self._uow() as uow:
            if await self._models.count_all() > 0:
                return
            for seed_key, spec in seed_specs(self._config):
                instance = self._admin.build(spec)
                instance.seed_key = seed_key
                if await self._models.add_seed(instance):
                    self.seeded.append(seed_key)
            await uow.commit()

    async def stop(self) -> None:
        return None
