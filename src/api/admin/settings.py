"""Platform settings for administrators: /api/admin/settings."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, get, put
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter, QueryParameter

from api.envelope import Envelope
from api.schemas import Int64Id, id_str
from api.security.identity import CurrentActor
from application.system.settings import SettingDTO, SettingRevisionDTO, SystemSettingsService


class SettingView(msgspec.Struct):
    id: str
    key: str
    value: Any
    version: int
    updated_at: datetime

    @classmethod
    def of(cls, dto: SettingDTO) -> SettingView:
        return cls(
            id=id_str(dto.id), key=dto.key, value=dto.value, version=dto.version, updated_at=dto.updated_at
        )


class RevisionView(msgspec.Struct):
    id: str
    key: str
    version: int
    value: Any
    created_at: datetime

    @classmethod
    def of(cls, dto: SettingRevisionDTO) -> RevisionView:
        return cls(
            id=id_str(dto.id), key=dto.key, version=dto.version, value=dto.value, created_at=dto.created_at
        )


class PutSettingRequest(msgspec.Struct, forbid_unknown_fields=True):
    value: Any
    # gt=-1 rather than ge=0: Litestar leaves a bound of 0 out of the schema.
    expected_version: Annotated[int, msgspec.Meta(gt=-1, le=2**31 - 1)] | None = None


class SettingResponse(Envelope, kw_only=True):
    data: SettingView


class SettingListData(msgspec.Struct):
    settings: list[SettingView]


class SettingListResponse(Envelope, kw_only=True):
    data: SettingListData


class RevisionResponse(Envelope, kw_only=True):
    data: RevisionView


class RevisionListData(msgspec.Struct):
    revisions: list[RevisionView]


class RevisionListResponse(Envelope, kw_only=True):
    data: RevisionListData


Service = NamedDependency[SystemSettingsService]
# The key's spelling is the settings domain's (domain.system.values.SettingKey), which answers a bad one.
SETTING_KEY = r"^[a-z][a-z0-9_]{0,62}(\.[a-z][a-z0-9_]{0,62}){1,3}$"
SettingKeyParam = Annotated[
    str,
    PathParameter(
        max_length=255, description="dotted name, e.g. site.title", schema_extra={"pattern": SETTING_KEY}
    ),
]


class SettingsController(Controller):
    path = "/api/admin/settings"
    tags = ["admin: settings"]

    @get("/")
    async def list_settings(self, settings_service: Service, actor: CurrentActor) -> SettingListResponse:
        items = await settings_service.list_settings(actor)
        return SettingListResponse(data=SettingListData(settings=[SettingView.of(s) for s in items]))

    @get("/revisions/{revision_id:int}")
    async def get_revision(
        self, revision_id: Int64Id, settings_service: Service, actor: CurrentActor
    ) -> RevisionResponse:
        return RevisionResponse(data=RevisionView.of(await settings_service.revision(actor, revision_id)))

    @get("/{key:str}")
    async def get_setting(
        self, key: SettingKeyParam, settings_service: Service, actor: CurrentActor
    ) -> SettingResponse:
        return SettingResponse(data=SettingView.of(await settings_service.get(actor, key)))

    @put("/{key:str}")
    async def put_setting(
        self,
        key: SettingKeyParam,
        data: JSONBody[PutSettingRequest],
        settings_service: Service,
        actor: CurrentActor,
    ) -> SettingResponse:
        dto = await settings_service.put(actor, key, data.value, data.expected_version)
        return SettingResponse(data=SettingView.of(dto))

    @get("/{key:str}/history")
    async def history(
        self,
        key: SettingKeyParam,
        settings_service: Service,
        actor: CurrentActor,
        limit: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
    ) -> RevisionListResponse:
        revisions = await settings_service.history(actor, key, limit)
        return RevisionListResponse(data=RevisionListData(revisions=[RevisionView.of(r) for r in revisions]))
