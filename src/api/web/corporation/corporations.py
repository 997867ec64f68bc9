"""Corporations: /api/v1/corporation/create|list and /api/v1/corporation/{id} (organisation managers)."""

from __future__ import annotations

import msgspec
from litestar import delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody

from api.envelope import Envelope
from api.schemas import IdChange, IdOrEmpty, Int64Id, id_str
from api.security.access import requires
from api.security.identity import CurrentActor
from api.web.corporation.schemas import (
    PREFIX,
    SOURCE,
    TAGS,
    CorpType,
    Keyword,
    OrgName,
    Page,
    PageSize,
    Sort,
    Source,
    id_change,
    listed,
    maybe_id,
    millis,
    optional_id,
    same_id,
)
from application.corporation.common import ORGANIZATION, CorporationDTO
from application.corporation.corporations import CorporationService
from crossdomain.permission import Action
from domain.corporation.ports import CorporationQuery

Corporations = NamedDependency[CorporationService]


class CorporationData(msgspec.Struct):
    id: str
    parent_id: str | None
    name: str
    corp_type: CorpType
    sort: int
    corp_source: int
    creator_id: str | None
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, c: CorporationDTO) -> CorporationData:
        return cls(
            id_str(c.id),
            maybe_id(c.parent_id),
            c.name,
            CorpType.of(c.type),
            c.sort,
            SOURCE[c.source],
            maybe_id(c.creator_id),
            millis(c.created_at),
            millis(c.updated_at),
        )


class CreateCorpRequest(msgspec.Struct, forbid_unknown_fields=True):
    name: OrgName
    corp_type: CorpType = CorpType.COMPANY
    parent_id: IdOrEmpty | None = None
    sort: Sort = 0
    corp_source: Source | None = None


class UpdateCorpRequest(msgspec.Struct, forbid_unknown_fields=True):
    id: IdOrEmpty | None = None
    name: OrgName | None = None
    parent_id: IdChange | None = None  # "" or "0": move to the top level
    corp_type: CorpType | None = None
    sort: Sort | None = None
    corp_source: Source | None = None


class ListCorpsRequest(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    keyword: Keyword | None = None
    parent_id: IdOrEmpty | None = None
    corp_type: CorpType | None = None
    page: Page = 1
    page_size: PageSize = 20


NO_LIST_CORPS = ListCorpsRequest()  # what a missing body means: every field at its default


class CorporationResponse(Envelope, kw_only=True):
    data: CorporationData


class CorporationListResponse(Envelope, kw_only=True):
    data: list[CorporationData]
    total: str
    has_more: bool


@post(f"{PREFIX}/create", status_code=200, tags=TAGS)
async def create_corporation(
    actor: CurrentActor, corporations: Corporations, data: JSONBody[CreateCorpRequest]
) -> CorporationResponse:
    corp = await corporations.create(
        actor, data.name, data.corp_type.domain, optional_id(data.parent_id), data.sort
    )
    return CorporationResponse(data=CorporationData.of(corp))


@get(f"{PREFIX}/{{corp_id:int}}", tags=TAGS)
async def get_corporation(
    corp_id: Int64Id, actor: CurrentActor, corporations: Corporations
) -> CorporationResponse:
    return CorporationResponse(data=CorporationData.of(await corporations.get(actor, corp_id)))


@put(f"{PREFIX}/{{corp_id:int}}", tags=TAGS)
async def update_corporation(
    corp_id: Int64Id, actor: CurrentActor, corporations: Corporations, data: JSONBody[UpdateCorpRequest]
) -> CorporationResponse:
    same_id(data.id, corp_id)
    corp = await corporations.update(
        actor,
        corp_id,
        name=data.name,
        corp_type=None if data.corp_type is None else data.corp_type.domain,
        parent_id=id_change(data.parent_id),
        sort=data.sort,
    )
    return CorporationResponse(data=CorporationData.of(corp))


@delete(f"{PREFIX}/{{corp_id:int}}", status_code=200, tags=TAGS)
async def delete_corporation(corp_id: Int64Id, actor: CurrentActor, corporations: Corporations) -> Envelope:
    await corporations.delete(actor, corp_id)
    return Envelope()


@post(f"{PREFIX}/list", status_code=200, tags=TAGS)
async def list_corporations(
    actor: CurrentActor, corporations: Corporations, data: JSONBody[ListCorpsRequest] = NO_LIST_CORPS
) -> CorporationListResponse:
    query = CorporationQuery(
        data.keyword or "",
        optional_id(data.parent_id),
        None if data.corp_type is None else data.corp_type.domain,
    )
    page = await corporations.search(actor, query, data.page, data.page_size)
    return listed(CorporationListResponse, page, CorporationData.of)


ROUTES = requires(
    ORGANIZATION,
    Action.MANAGE,
    create_corporation,
    get_corporation,
    update_corporation,
    delete_corporation,
    list_corporations,
)
