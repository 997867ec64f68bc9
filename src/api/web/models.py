"""The models an agent editor may choose: Coze Studio's POST /api/bot/get_type_list, for members.

Read-only and without connection details (no base URL, no key). `model_type` is the model's id, as
in Coze Studio, sent as a string like every int64 id here.
"""

from __future__ import annotations

from typing import Literal

import msgspec
from litestar import post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from api.envelope import Envelope
from api.model_views import Ability, ModelParameter
from api.schemas import OptionalId, id_str, parse_id
from api.security.identity import CurrentActor
from application.modelmgr.catalog import ModelCatalog, OfferedModel
from domain.modelmgr.providers import PROVIDERS
from domain.modelmgr.values import ModelKind

Catalog = NamedDependency[ModelCatalog]


class GetTypeListRequest(msgspec.Struct, forbid_unknown_fields=True):
    model: bool = True
    voice: bool = False
    raw_model: bool = False
    space_id: OptionalId = None
    kind: Literal[0, 1, 2] = 0  # ours: 0 chat LLM (what Coze lists), 1 text embedding, 2 rerank


class ModelQuota(msgspec.Struct):
    token_limit: int
    token_resp: int


class TypeListModel(msgspec.Struct):
    name: str
    model_type: str
    model_class: int
    model_class_name: str
    model_name: str
    model_icon: str
    model_brief_desc: str
    model_quota: ModelQuota
    model_params: list[ModelParameter]
    model_ability: Ability
    is_offline: bool
    is_default: bool
    builtin: bool
    kind: int

    @classmethod
    def of(cls, m: OfferedModel) -> TypeListModel:
        info = PROVIDERS[m.provider]
        return cls(
            name=m.name,
            model_type=id_str(m.id),
            model_class=info.model_class,
            model_class_name=info.name_en,
            model_name=m.model,
            model_icon="",
            model_brief_desc=m.description,
            model_quota=ModelQuota(m.capabilities.context_window, m.capabilities.max_output_tokens),
            model_params=[ModelParameter.of(p) for p in m.parameters],
            model_ability=Ability.of(m.capabilities),
            is_offline=False,
            is_default=m.is_default,
            builtin=m.builtin,
            kind=m.kind.coze_type,
        )


class TypeListData(msgspec.Struct):
    model_list: list[TypeListModel]
    voice_list: list[object]
    raw_model_list: list[TypeListModel]


class TypeListResponse(Envelope, kw_only=True):
    data: TypeListData


@post("/api/bot/get_type_list", status_code=200, tags=["models"])
async def get_type_list(
    actor: CurrentActor, model_catalog: Catalog, data: JSONBody[GetTypeListRequest]
) -> TypeListResponse:
    space_id = None if not data.space_id else parse_id(data.space_id)
    models: list[TypeListModel] = []
    if data.model or data.raw_model:
        offered = await model_catalog.offered(actor, ModelKind.from_coze(data.kind), space_id)
        models = [TypeListModel.of(m) for m in offered]
    return TypeListResponse(
        data=TypeListData(models if data.model else [], [], models if data.raw_model else [])
    )


ROUTES = [get_type_list]
