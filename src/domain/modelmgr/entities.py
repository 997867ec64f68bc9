"""A model instance: one configured model of one provider that agents, workflows and knowledge call."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from domain.modelmgr.errors import ApiKeyRequired, InvalidModelConfig, KindNotOffered
from domain.modelmgr.providers import SUPPORTED_PARAMETERS, KeyPolicy, Protocol, provider
from domain.modelmgr.values import (
    Capabilities,
    Connection,
    ModelKind,
    ModelStatus,
    ParameterSpec,
    checked_parameters,
)

# The built-in models; their names are reserved so nobody mistakes a real model for one of them.
BUILTIN_ECHO = "builtin-echo"
BUILTIN_HASH = "builtin-hash"
BUILTIN_MODELS: dict[str, ModelKind] = {BUILTIN_ECHO: ModelKind.LLM, BUILTIN_HASH: ModelKind.TEXT_EMBEDDING}


@dataclass(slots=True)
class ModelInstance:
    id: int
    kind: ModelKind
    provider: str
    name: str  # display name
    connection: Connection
    capabilities: Capabilities = field(default_factory=Capabilities)
    parameters: tuple[ParameterSpec, ...] = ()
    description: str = ""
    status: ModelStatus = ModelStatus.ACTIVE
    is_default: bool = False
    fallback_id: int | None = None
    seed_key: str | None = None  # set on models registered at first start, so seeding runs once
    created_at: datetime | None = None
    updated_at: datetime | None = None
    deleted_at: datetime | None = None

    def check(self) -> ModelInstance:
        """Enforce the invariants; returns self with normalised values."""
        info = provider(self.provider)
        if self.kind not in info.kinds:
            raise KindNotOffered(provider=info.key, kind=self.kind.value)
        self.name = self.name.strip()
        if not 1 <= len(self.name) <= 100:
            raise InvalidModelConfig(reason="name must be 1-100 characters")
        if len(self.description) > 1000:
            raise InvalidModelConfig(reason="description must be at most 1000 characters")
        connection = self.connection
        if not connection.base_url and info.default_base_url:
            connection = replace(connection, base_url=info.default_base_url)
        self.connection = connection.checked()
        if info.protocol is Protocol.BUILTIN:
            self._check_builtin()
        elif info.protocol is not Protocol.LOCAL and not self.connection.base_url:
            raise InvalidModelConfig(reason=f"base_url is required for provider {info.key}")
        if info.api_key is KeyPolicy.REQUIRED and not self.connection.api_key:
            raise ApiKeyRequired(provider=info.key)
        self.capabilities = self.capabilities.checked()
        if self.kind is not ModelKind.LLM and self.parameters:
            raise InvalidModelConfig(reason="only chat models take sampling parameters")
        self.parameters = checked_parameters(self.parameters)
        unsupported = sorted({p.name for p in self.parameters} - SUPPORTED_PARAMETERS[info.protocol])
        if unsupported:
            raise InvalidModelConfig(reason=f"provider {info.key} does not take parameters {unsupported}")
        if self.fallback_id is not None and self.fallback_id == self.id:
            raise InvalidModelConfig(reason="a model cannot be its own fallback")
        return self

    def _check_builtin(self) -> None:
        expected = BUILTIN_MODELS.get(self.connection.model)
        if expected is None:
            raise InvalidModelConfig(reason=f"built-in models are {sorted(BUILTIN_MODELS)}")
        if expected is not self.kind:
            raise KindNotOffered(provider=f"builtin {self.connection.model}", kind=self.kind.value)
        if self.connection.api_key:
            raise InvalidModelConfig(reason="built-in models take no api_key")

    @property
    def is_active(self) -> bool:
        return self.status is ModelStatus.ACTIVE and self.deleted_at is None

    @property
    def version(self) -> tuple[int, datetime | None]:
        """Changes whenever the configuration does: the key of a built client in a cache."""
        return (self.id, self.updated_at)

    def mark_deleted(self, now: datetime) -> None:
        self.deleted_at = now
        self.is_default = False
        self.updated_at = now
