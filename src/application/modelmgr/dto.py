"""Inputs and outputs of the model management use cases. API keys go in, never out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.common.llm import ModelError
from domain.modelmgr.entities import ModelInstance
from domain.modelmgr.values import Capabilities, ModelKind, ModelStatus, ParameterSpec


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """A model to create. Capabilities and parameters default sensibly for the kind and provider."""

    kind: ModelKind
    provider: str
    name: str
    model: str
    base_url: str = ""
    api_key: str = ""
    description: str = ""
    timeout_s: float = 60.0
    max_retries: int = 2
    concurrency: int = 0
    capabilities: Capabilities | None = None
    parameters: tuple[ParameterSpec, ...] | None = None
    status: ModelStatus = ModelStatus.ACTIVE
    is_default: bool = False
    fallback_id: int | None = None


@dataclass(frozen=True, slots=True)
class ModelChanges:
    """An update: None keeps the stored value. `api_key=""` removes the key."""

    name: str | None = None
    description: str | None = None
    model: str | None = None
    base_url: str | None = None
    api_key: str | None = None
    timeout_s: float | None = None
    max_retries: int | None = None
    concurrency: int | None = None
    capabilities: Capabilities | None = None
    parameters: tuple[ParameterSpec, ...] | None = None
    status: ModelStatus | None = None
    is_default: bool | None = None
    fallback_id: int | None = None
    clear_fallback: bool = False


@dataclass(frozen=True, slots=True)
class ModelDTO:
    id: int
    kind: ModelKind
    provider: str
    name: str
    description: str
    model: str
    base_url: str
    has_api_key: bool
    timeout_s: float
    max_retries: int
    concurrency: int
    capabilities: Capabilities
    parameters: tuple[ParameterSpec, ...]
    status: ModelStatus
    is_default: bool
    fallback_id: int | None
    builtin: bool
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def of(cls, m: ModelInstance) -> ModelDTO:
        c = m.connection
        return cls(
            id=m.id,
            kind=m.kind,
            provider=m.provider,
            name=m.name,
            description=m.description,
            model=c.model,
            base_url=c.base_url,
            has_api_key=bool(c.api_key),
            timeout_s=c.timeout_s,
            max_retries=c.max_retries,
            concurrency=c.concurrency,
            capabilities=m.capabilities,
            parameters=m.parameters,
            status=m.status,
            is_default=m.is_default,
            fallback_id=m.fallback_id,
            builtin=m.provider == "builtin",
            created_at=m.created_at,
            updated_at=m.updated_at,
        )


@dataclass(frozen=True, slots=True)
class ConnectionTestResult:
    """What a one-token call to the model showed: latency, or the provider's error."""

    ok: bool
    latency_ms: float
    first_token_ms: float | None = None
    sample: str = ""  # the first words of the answer (chat) or nothing
    dimension: int | None = None  # embeddings: the vector length seen
    error: ModelError | None = None
