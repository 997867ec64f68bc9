"""Value objects of model management: kinds, status, capabilities, parameter specs, connection."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from domain.common.llm import InvalidModelParameter
from domain.modelmgr.errors import InvalidModelConfig


class ModelKind(StrEnum):
    LLM = "llm"
    TEXT_EMBEDDING = "text_embedding"
    RERANK = "rerank"

    @property
    def coze_type(self) -> int:
        """Coze Studio's admin.config.ModelType number."""
        return _COZE_TYPES.index(self)

    @classmethod
    def from_coze(cls, number: int) -> ModelKind:
        if not 0 <= number < len(_COZE_TYPES):
            raise InvalidModelConfig(
                reason=f"type must be 0 (LLM), 1 (text embedding) or 2 (rerank), not {number}"
            )
        return _COZE_TYPES[number]


_COZE_TYPES = (ModelKind.LLM, ModelKind.TEXT_EMBEDDING, ModelKind.RERANK)


class ModelStatus(StrEnum):
    ACTIVE = "active"  # offered to agent editors and callable
    DISABLED = "disabled"  # kept (agents may name it) but neither offered nor callable


MAX_CONTEXT = 10_000_000
MAX_DIMENSION = 8192


@dataclass(frozen=True, slots=True)
class Capabilities:
    function_calling: bool = False
    json_mode: bool = False
    vision: bool = False
    reasoning: bool = False
    context_window: int = 0  # tokens; 0 = unknown
    max_output_tokens: int = 0
    embedding_dimension: int = 0  # embedding models: vector length (0 = whatever the provider returns)

    def checked(self) -> Capabilities:
        for name in ("context_window", "max_output_tokens"):
            value = getattr(self, name)
            if not 0 <= value <= MAX_CONTEXT:
                raise InvalidModelConfig(reason=f"capability.{name} must be between 0 and {MAX_CONTEXT}")
        if not 0 <= self.embedding_dimension <= MAX_DIMENSION:
            raise InvalidModelConfig(
                reason=f"capability.embedding_dimension must be between 0 and {MAX_DIMENSION}"
            )
        return self

    def to_json(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in self.__dataclass_fields__}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Capabilities:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


class ParamType(StrEnum):
    FLOAT = "float"
    INT = "int"
    BOOL = "bool"
    STRING = "string"


# The sampling parameters adapters know how to pass on; anything else would be silently dropped.
KNOWN_PARAMETERS: dict[str, ParamType] = {
    "temperature": ParamType.FLOAT,
    "top_p": ParamType.FLOAT,
    "top_k": ParamType.INT,
    "max_tokens": ParamType.INT,
    "frequency_penalty": ParamType.FLOAT,
    "presence_penalty": ParamType.FLOAT,
    "response_format": ParamType.STRING,
    "seed": ParamType.INT,
}


@dataclass(frozen=True, slots=True)
class ParameterSpec:
    """A tunable parameter with its range, for the editor UI and for checking calls."""

    name: str
    type: ParamType
    default: float | int | bool | str
    min: float | None = None
    max: float | None = None
    precision: int = 2
    label: str = ""
    description: str = ""
    options: tuple[str, ...] = ()

    def checked(self) -> ParameterSpec:
        expected = KNOWN_PARAMETERS.get(self.name)
        if expected is None:
            raise InvalidModelConfig(
                reason=f"unknown parameter {self.name[:40]!r}; known: {sorted(KNOWN_PARAMETERS)}"
            )
        if expected is not self.type:
            raise InvalidModelConfig(reason=f"parameter {self.name} must be of type {expected.value}")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise InvalidModelConfig(reason=f"parameter {self.name}: min is above max")
        if not 0 <= self.precision <= 6 or len(self.options) > 20 or len(self.label) > 100:
            raise InvalidModelConfig(reason=f"parameter {self.name}: precision 0-6, at most 20 options")
        try:
            self.coerce(self.default)
        except InvalidModelParameter:
            raise InvalidModelConfig(reason=f"parameter {self.name}: default outside its range") from None
        return self

    def coerce(self, value: Any) -> float | int | bool | str:
        """The value as this parameter's type, or InvalidModelParameter when it is not one."""
        name = self.name
        if self.type is ParamType.BOOL:
            if not isinstance(value, bool):
                raise InvalidModelParameter(name=name, reason="expected true or false")
            return value
        if self.type is ParamType.STRING:
            if not isinstance(value, str) or (self.options and value not in self.options):
                raise InvalidModelParameter(name=name, reason=f"expected one of {list(self.options)}")
            return value
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise InvalidModelParameter(name=name, reason="expected a number")
        number: float | int = value
        if self.type is ParamType.INT:
            if number != int(number):
                raise InvalidModelParameter(name=name, reason="expected a whole number")
            number = int(number)
        if (self.min is not None and number < self.min) or (self.max is not None and number > self.max):
            raise InvalidModelParameter(name=name, reason=f"must be between {self.min} and {self.max}")
        return number

    def to_json(self) -> dict[str, Any]:
        data = {f: getattr(self, f) for f in self.__dataclass_fields__}
        data["type"] = self.type.value
        data["options"] = list(self.options)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ParameterSpec:
        try:
            return cls(
                name=str(data["name"]),
                type=ParamType(data["type"]),
                default=data["default"],
                min=data.get("min"),
                max=data.get("max"),
                precision=int(data.get("precision", 2)),
                label=str(data.get("label", "")),
                description=str(data.get("description", "")),
                options=tuple(str(o) for o in data.get("options", ())),
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise InvalidModelConfig(reason=f"parameter spec: {type(exc).__name__} {str(exc)[:80]}") from None


def checked_parameters(specs: Sequence[ParameterSpec]) -> tuple[ParameterSpec, ...]:
    names = [s.name for s in specs]
    if len(set(names)) != len(names):
        raise InvalidModelConfig(reason="parameter names must be unique")
    return tuple(s.checked() for s in specs)


def resolve_parameters(specs: Sequence[ParameterSpec], given: Mapping[str, Any]) -> dict[str, Any]:
    """Defaults of every spec, overridden by the caller's values, each checked against its range."""
    by_name = {s.name: s for s in specs}
    resolved = {s.name: s.default for s in specs}
    for name, value in given.items():
        spec = by_name.get(name)
        if spec is None:
            raise InvalidModelParameter(name=str(name)[:40], reason="not a parameter of this model")
        resolved[name] = spec.coerce(value)
    return resolved


def default_chat_parameters(
    max_output_tokens: int = 0, *, temperature_max: float = 2.0
) -> tuple[ParameterSpec, ...]:
    ceiling = max_output_tokens or 32_768
    return (
        ParameterSpec("temperature", ParamType.FLOAT, min(0.7, temperature_max), 0.0, temperature_max, 1,
                      "Temperature", "Higher is more varied, lower more deterministic"),
        ParameterSpec("top_p", ParamType.FLOAT, 1.0, 0.0, 1.0, 2, "Top P", "Nucleus sampling mass"),
        ParameterSpec("max_tokens", ParamType.INT, min(4096, ceiling), 1, ceiling, 0, "Max output tokens",
                      "Upper bound on the length of one answer"),
    )  # fmt: skip


_URL_SCHEMES = ("http", "https")
MAX_TIMEOUT_S = 600.0
MAX_RETRIES = 5
MAX_CONCURRENCY = 1000


@dataclass(frozen=True, slots=True)
class Connection:
    base_url: str = ""
    api_key: str = field(default="", repr=False)  # plain text in memory only; sealed at rest
    model: str = ""  # the provider's model name, e.g. gpt-4o-mini
    timeout_s: float = 60.0
    max_retries: int = 2
    concurrency: int = 0  # simultaneous calls per process; 0 = unlimited

    def checked(self) -> Connection:
        if self.base_url:
            parts = urlsplit(self.base_url)
            if parts.scheme not in _URL_SCHEMES or not parts.hostname or len(self.base_url) > 1024:
                raise InvalidModelConfig(reason="base_url must be an http(s) URL with a host")
            if parts.username or parts.password:
                raise InvalidModelConfig(reason="base_url must not carry credentials: use api_key")
        if not self.model or len(self.model) > 200 or not _MODEL_NAME.match(self.model):
            raise InvalidModelConfig(reason="model name must be 1-200 printable characters")
        if len(self.api_key) > 4096 or any(c.isspace() for c in self.api_key):
            raise InvalidModelConfig(reason="api_key must be at most 4096 characters without spaces")
        if not 0 < self.timeout_s <= MAX_TIMEOUT_S:
            raise InvalidModelConfig(reason=f"timeout_s must be in (0, {MAX_TIMEOUT_S:g}]")
        if not 0 <= self.max_retries <= MAX_RETRIES:
            raise InvalidModelConfig(reason=f"max_retries must be between 0 and {MAX_RETRIES}")
        if not 0 <= self.concurrency <= MAX_CONCURRENCY:
            raise InvalidModelConfig(reason=f"concurrency must be between 0 and {MAX_CONCURRENCY}")
        return replace(self, base_url=self.base_url.rstrip("/"))

    @property
    def endpoint(self) -> str:
        """scheme://host:port of the base URL: what error messages may show (never the path or key)."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""


_MODEL_NAME = re.compile(r"^[\x21-\x7e][\x20-\x7e]*$")
