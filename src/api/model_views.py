"""JSON shapes of models, after Coze Studio's admin.config and developer_api IDL, with our additions."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

import msgspec

from api.errors import spec_for_domain
from api.i18n import message
from api.schemas import id_str
from application.modelmgr.dto import ConnectionTestResult, ModelDTO
from domain.modelmgr.errors import InvalidModelConfig
from domain.modelmgr.providers import PROVIDERS
from domain.modelmgr.values import Capabilities, ModelStatus, ParameterSpec, ParamType

# Coze's ModelParamType numbers and ModelStatus numbers (1 in use; 2 offline, i.e. our "disabled").
PARAM_TYPES = {ParamType.FLOAT: 1, ParamType.INT: 2, ParamType.BOOL: 3, ParamType.STRING: 4}
PARAM_TYPES_BACK = {v: k for k, v in PARAM_TYPES.items()}
STATUS = {ModelStatus.ACTIVE: 1, ModelStatus.DISABLED: 2}


class I18nText(msgspec.Struct):
    zh_cn: str
    en_us: str


class ProviderView(msgspec.Struct):
    key: str
    name: I18nText
    description: I18nText
    model_class: int
    icon_uri: str = ""
    icon_url: str = ""


class DisplayInfo(msgspec.Struct):
    name: str
    description: I18nText
    output_tokens: int
    max_tokens: int


class Ability(msgspec.Struct, forbid_unknown_fields=True):
    function_call: bool = False
    json_mode: bool = False
    image_understanding: bool = False
    cot_display: bool = False  # reasoning output
    context_window: int = 0
    max_output_tokens: int = 0
    embedding_dimension: int = 0
    video_understanding: bool = False
    audio_understanding: bool = False
    support_multi_modal: bool = False
    prefill_resp: bool = False

    @classmethod
    def of(cls, c: Capabilities) -> Ability:
        return cls(
            c.function_calling,
            c.json_mode,
            c.vision,
            c.reasoning,
            c.context_window,
            c.max_output_tokens,
            c.embedding_dimension,
            support_multi_modal=c.vision,
        )

    def capabilities(self) -> Capabilities:
        return Capabilities(
            function_calling=self.function_call,
            json_mode=self.json_mode,
            vision=self.image_understanding,
            reasoning=self.cot_display,
            context_window=self.context_window,
            max_output_tokens=self.max_output_tokens,
            embedding_dimension=self.embedding_dimension,
        )


class ParamDefault(msgspec.Struct):
    default_val: str
    creative: str | None = None
    balance: str | None = None
    precise: str | None = None


class Option(msgspec.Struct):
    label: str
    value: str


Scalar = float | int | bool | str


class ModelParameter(msgspec.Struct):
    """Coze's ModelParameter: numbers travel as strings there; we accept numbers too."""

    name: str
    type: int
    default_val: ParamDefault | Scalar
    min: str | float | None = None
    max: str | float | None = None
    precision: int = 2
    label: str = ""
    desc: str = ""
    options: list[Option] = msgspec.field(default_factory=list)

    @classmethod
    def of(cls, p: ParameterSpec) -> ModelParameter:
        return cls(
            name=p.name,
            type=PARAM_TYPES[p.type],
            default_val=ParamDefault(_text(p.default)),
            min=None if p.min is None else _text(p.min),
            max=None if p.max is None else _text(p.max),
            precision=p.precision,
            label=p.label,
            desc=p.description,
            options=[Option(o, o) for o in p.options],
        )

    def spec(self) -> ParameterSpec:
        kind = PARAM_TYPES_BACK.get(self.type)
        if kind is None:
            raise InvalidModelConfig(reason=f"parameter {self.name[:40]}: type must be 1-4")
        raw = self.default_val.default_val if isinstance(self.default_val, ParamDefault) else self.default_val
        return ParameterSpec(
            name=self.name,
            type=kind,
            default=_value(raw, kind, self.name),
            min=None if self.min is None else float(_value(self.min, ParamType.FLOAT, self.name)),
            max=None if self.max is None else float(_value(self.max, ParamType.FLOAT, self.name)),
            precision=self.precision,
            label=self.label,
            description=self.desc,
            options=tuple(o.value for o in self.options),
        )


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _value(raw: Any, kind: ParamType, name: str) -> float | int | bool | str:
    """A parameter value from Coze's strings or plain JSON values."""
    if kind is ParamType.STRING:
        return str(raw)
    if kind is ParamType.BOOL:
        if isinstance(raw, bool):
            return raw
        if str(raw).lower() in ("true", "false"):
            return str(raw).lower() == "true"
        raise InvalidModelConfig(reason=f"parameter {name[:40]}: expected true or false")
    try:
        number = float(raw) if not isinstance(raw, bool) else math.nan
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number):
        raise InvalidModelConfig(reason=f"parameter {name[:40]}: expected a number")
    return int(number) if kind is ParamType.INT and number.is_integer() else number


class BaseConnInfo(msgspec.Struct):
    base_url: str = ""
    api_key: str = ""  # write-only: responses always carry ""
    model: str = ""
    thinking_type: int = 0


class ConnectionView(msgspec.Struct):
    base_conn_info: BaseConnInfo
    api_key_set: bool
    timeout_s: float
    max_retries: int
    concurrency: int


class AdminModel(msgspec.Struct):
    id: str
    provider: ProviderView
    display_info: DisplayInfo
    capability: Ability
    connection: ConnectionView
    type: int
    parameters: list[ModelParameter]
    status: int
    enable_base64_url: bool
    delete_at_ms: int
    is_default: bool
    builtin: bool
    fallback_id: str | None
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def of(cls, m: ModelDTO) -> AdminModel:
        return cls(
            id=id_str(m.id),
            provider=provider_view(m.provider),
            display_info=DisplayInfo(
                m.name, I18nText(m.description, m.description), m.capabilities.max_output_tokens,
                m.capabilities.context_window,
            ),
            capability=Ability.of(m.capabilities),
            connection=ConnectionView(
                BaseConnInfo(m.base_url, "", m.model), m.has_api_key, m.timeout_s, m.max_retries,
                m.concurrency,
            ),
            type=m.kind.coze_type,
            parameters=[ModelParameter.of(p) for p in m.parameters],
            status=STATUS[m.status],
            enable_base64_url=False,
            delete_at_ms=0,
            is_default=m.is_default,
            builtin=m.builtin,
            fallback_id=None if m.fallback_id is None else id_str(m.fallback_id),
            created_at=m.created_at,
            updated_at=m.updated_at,
        )  # fmt: skip


def provider_view(key: str) -> ProviderView:
    p = PROVIDERS[key]
    return ProviderView(
        key=p.key,
        name=I18nText(p.name_zh, p.name_en),
        description=I18nText(p.name_zh, p.name_en),
        model_class=p.model_class,
    )


class TestError(msgspec.Struct):
    code: int
    msg: str


class ConnectionTestView(msgspec.Struct):
    ok: bool
    latency_ms: float
    first_token_ms: float | None
    sample: str
    dimension: int | None
    error: TestError | None

    @classmethod
    def of(cls, r: ConnectionTestResult, locale: str) -> ConnectionTestView:
        error = None
        if r.error is not None:
            spec = spec_for_domain(r.error)
            error = TestError(spec.code, message(r.error.message_key, locale, r.error.params))
        first = None if r.first_token_ms is None else round(r.first_token_ms, 2)
        return cls(r.ok, round(r.latency_ms, 2), first, r.sample, r.dimension, error)
