"""Model administration for super admins, in Coze Studio's paths: /api/admin/config/model/*.

create | delete | list follow Coze Studio (CreateModelReq: model_class, model_name, connection);
update and test are ours. Responses use the platform envelope, the payload under `data`.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, QueryParameter

from api.context import request_context
from api.envelope import Envelope
from api.model_views import Ability, AdminModel, ConnectionTestView, ModelParameter, provider_view
from api.schemas import IdChange, Int64Str, id_str, parse_id
from api.security.identity import CurrentActor
from application.modelmgr.admin import ModelAdminService
from application.modelmgr.dto import ModelChanges, ModelDTO, ModelSpec
from domain.modelmgr.errors import InvalidModelConfig
from domain.modelmgr.providers import PROVIDERS, provider, provider_for_class
from domain.modelmgr.values import ModelKind, ModelStatus

ModelAdmin = NamedDependency[ModelAdminService]


class BaseConnIn(msgspec.Struct, forbid_unknown_fields=True):
    base_url: str = ""
    api_key: str = ""
    model: str = ""
    thinking_type: int = 0


class ConnectionIn(msgspec.Struct):
    """Coze's Connection; its per-provider blocks (openai, ark, ...) are accepted and not needed."""

    base_conn_info: BaseConnIn = msgspec.field(default_factory=BaseConnIn)
    timeout_s: float | None = None
    max_retries: int | None = None
    concurrency: int | None = None


class CreateModelRequest(msgspec.Struct, forbid_unknown_fields=True):
    model_name: str = ""  # the display name, as in Coze Studio
    model_class: int | None = None  # Coze's ModelClass; or name our `provider` key instead
    provider: str | None = None
    type: int = 0  # 0 chat LLM, 1 text embedding, 2 rerank
    connection: ConnectionIn = msgspec.field(default_factory=ConnectionIn)
    description: str = ""
    capability: Ability | None = None
    parameters: list[ModelParameter] | None = None
    is_default: bool = False
    enabled: bool = True
    fallback_id: Int64Str | None = None
    enable_base64_url: bool = False

    def spec(self) -> ModelSpec:
        if self.provider is not None:
            info = provider(self.provider)
        elif self.model_class is not None:
            info = provider_for_class(self.model_class)
        else:
            raise InvalidModelConfig(reason="name a provider (or Coze's model_class)")
        conn = self.connection
        return ModelSpec(
            kind=ModelKind.from_coze(self.type),
            provider=info.key,
            name=self.model_name,
            model=conn.base_conn_info.model,
            base_url=conn.base_conn_info.base_url,
            api_key=conn.base_conn_info.api_key,
            description=self.description,
            timeout_s=60.0 if conn.timeout_s is None else conn.timeout_s,
            max_retries=2 if conn.max_retries is None else conn.max_retries,
            concurrency=conn.concurrency or 0,
            capabilities=None if self.capability is None else self.capability.capabilities(),
            parameters=None if self.parameters is None else tuple(p.spec() for p in self.parameters),
            status=ModelStatus.ACTIVE if self.enabled else ModelStatus.DISABLED,
            is_default=self.is_default,
            fallback_id=_optional_id(self.fallback_id),
        )


class UpdateModelRequest(msgspec.Struct, forbid_unknown_fields=True):
    """Fields left out keep their value; an empty api_key keeps the stored one (clear_api_key removes it)."""

    id: Int64Str
    model_name: str | None = None
    description: str | None = None
    connection: ConnectionIn | None = None
    clear_api_key: bool = False
    capability: Ability | None = None
    parameters: list[ModelParameter] | None = None
    is_default: bool | None = None
    enabled: bool | None = None
    fallback_id: IdChange | None = None  # "" or "0" removes the fallback

    def changes(self) -> ModelChanges:
        conn = self.connection
        base = conn.base_conn_info if conn is not None else None
        api_key = "" if self.clear_api_key else (base.api_key or None if base is not None else None)
        return ModelChanges(
            name=self.model_name,
            description=self.description,
            model=(base.model or None) if base is not None else None,
            base_url=(base.base_url or None) if base is not None else None,
            api_key=api_key,
            timeout_s=conn.timeout_s if conn is not None else None,
            max_retries=conn.max_retries if conn is not None else None,
            concurrency=conn.concurrency if conn is not None else None,
            capabilities=None if self.capability is None else self.capability.capabilities(),
            parameters=None if self.parameters is None else tuple(p.spec() for p in self.parameters),
            status=None
            if self.enabled is None
            else (ModelStatus.ACTIVE if self.enabled else ModelStatus.DISABLED),
            is_default=self.is_default,
            fallback_id=None if self.fallback_id in (None, "", "0") else _optional_id(self.fallback_id),
            clear_fallback=self.fallback_id in ("", "0"),
        )


class ModelIdRequest(msgspec.Struct, forbid_unknown_fields=True):
    id: Int64Str


class TestModelRequest(msgspec.Struct, forbid_unknown_fields=True):
    """Test a saved model (`id`) or settings not saved yet (`model`, the body of a create)."""

    id: Int64Str | None = None
    model: CreateModelRequest | None = None


def _optional_id(value: str | None) -> int | None:
    return None if value is None else parse_id(value)


class CreatedModel(msgspec.Struct):
    id: str
    model: AdminModel


class CreateModelResponse(Envelope, kw_only=True):
    data: CreatedModel


class ModelResponse(Envelope, kw_only=True):
    data: AdminModel


class ProviderModelList(msgspec.Struct):
    provider: Any
    model_list: list[AdminModel]


class ModelListData(msgspec.Struct):
    provider_model_list: list[ProviderModelList]
    total: int


class ModelListResponse(Envelope, kw_only=True):
    data: ModelListData


class ConnectionTestResponse(Envelope, kw_only=True):
    data: ConnectionTestView


def _grouped(models: list[ModelDTO]) -> ModelListData:
    groups: dict[str, list[AdminModel]] = {}
    for m in models:
        groups.setdefault(m.provider, []).append(AdminModel.of(m))
    ordered = [ProviderModelList(provider_view(k), groups[k]) for k in PROVIDERS if k in groups]
    return ModelListData(ordered, len(models))


def _locale(request: Request[Any, Any, Any]) -> str:
    ctx = request_context(request.scope)
    return ctx.locale if ctx is not None and ctx.locale else "en-US"


class ModelConfigController(Controller):
    path = "/api/admin/config/model"
    tags = ["admin: models"]

    @get("/list")
    async def list_models(
        self,
        actor: CurrentActor,
        model_admin: ModelAdmin,
        type: Annotated[
            int | None, QueryParameter(ge=0, le=2, schema_extra={"minimum": 0})
        ] = None,  # Coze's name
    ) -> ModelListResponse:
        kind = None if type is None else ModelKind.from_coze(type)
        return ModelListResponse(data=_grouped(await model_admin.list_models(actor, kind)))

    @post("/create", status_code=200)
    async def create_model(
        self, actor: CurrentActor, model_admin: ModelAdmin, data: JSONBody[CreateModelRequest]
    ) -> CreateModelResponse:
        created = await model_admin.create(actor, data.spec())
        return CreateModelResponse(data=CreatedModel(id_str(created.id), AdminModel.of(created)))

    @post("/update", status_code=200)
    async def update_model(
        self, actor: CurrentActor, model_admin: ModelAdmin, data: JSONBody[UpdateModelRequest]
    ) -> ModelResponse:
        updated = await model_admin.update(actor, parse_id(data.id), data.changes())
        return ModelResponse(data=AdminModel.of(updated))

    @post("/delete", status_code=200)
    async def delete_model(
        self, actor: CurrentActor, model_admin: ModelAdmin, data: JSONBody[ModelIdRequest]
    ) -> Envelope:
        await model_admin.delete(actor, parse_id(data.id))
        return Envelope()

    @post("/get", status_code=200)
    async def get_model(
        self, actor: CurrentActor, model_admin: ModelAdmin, data: JSONBody[ModelIdRequest]
    ) -> ModelResponse:
        return ModelResponse(data=AdminModel.of(await model_admin.get(actor, parse_id(data.id))))

    @post("/test", status_code=200)
    async def test_model(
        self, request: Request[Any, Any, Any], actor: CurrentActor, model_admin: ModelAdmin,
        data: JSONBody[TestModelRequest],
    ) -> ConnectionTestResponse:  # fmt: skip
        if data.id is not None:
            result = await model_admin.test_saved(actor, parse_id(data.id))
        elif data.model is not None:
            result = await model_admin.test_unsaved(actor, data.model.spec())
        else:
            raise InvalidModelConfig(reason="give the id of a saved model, or model settings to try")
        return ConnectionTestResponse(data=ConnectionTestView.of(result, _locale(request)))
