"""Slices, photos and the retrieval test for the SPA (/api/knowledge/...); the segmentation review is
in api/web/knowledge_reviews.py."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from api.envelope import EmptyData, EmptyResponse, Envelope
from api.knowledge_fields import (
    STATUS_CODES,
    Datasets,
    DocumentInfo,
    Documents,
    TableColumnInfo,
)
from api.schemas import ID_ITEMS, BodyPage, BodySize100, Int64Str, id_str, parse_id, seconds
from api.security.identity import CurrentActor
from application.knowledge.retrieval import RetrievalService
from application.knowledge.slices import MAX_SLICE_CHARS, SliceService
from crossdomain.knowledge import MAX_QUERY_CHARS, MAX_TOP_K, RetrievalStrategy, SearchMode
from domain.knowledge.entities import Slice
from domain.knowledge.errors import WrongFormat
from domain.knowledge.parsed import FormatType

Slices = NamedDependency[SliceService]
Retrieval = NamedDependency[RetrievalService]
SliceId = Annotated[str, msgspec.Meta(pattern=r"^[0-9]{1,19}-[0-9]{1,9}-[0-9]{1,9}(-m)?$")]
SliceText = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_SLICE_CHARS)]


class SliceInfo(msgspec.Struct):
    slice_id: str
    document_id: str
    sequence: str
    content: str
    char_count: int
    hit_count: int
    heading_path: list[str]
    page: int | None
    status: int  # 1 enabled (Coze's SliceStatus)
    edited: bool

    @classmethod
    def of(cls, s: Slice) -> SliceInfo:
        return cls(
            s.id,
            id_str(s.document_id),
            str(s.position),
            s.text,
            len(s.text),
            s.hit_count,
            list(s.heading_path),
            s.page,
            1,
            s.edited,
        )


class ListSliceRequest(msgspec.Struct, forbid_unknown_fields=True):
    document_id: Int64Str
    sequence: Annotated[str, msgspec.Meta(pattern=r"^[0-9]{1,9}$")] = "0"  # offset, as Coze pages slices
    page_size: Annotated[int, msgspec.Meta(ge=1, le=200)] = 20
    dataset_id: Int64Str | None = None
    keyword: str | None = None


class ListSliceData(msgspec.Struct):
    slices: list[SliceInfo]
    total: int
    hasmore: bool


class ListSliceResponse(Envelope, kw_only=True):
    data: ListSliceData


class CreateSliceRequest(msgspec.Struct, forbid_unknown_fields=True):
    document_id: Int64Str
    raw_text: SliceText
    sequence: Annotated[str, msgspec.Meta(pattern=r"^[0-9]{1,9}$")] | None = None


class SliceData(msgspec.Struct):
    slice: SliceInfo


class SliceResponse(Envelope, kw_only=True):
    data: SliceData


class UpdateSliceRequest(msgspec.Struct, forbid_unknown_fields=True):
    slice_id: SliceId
    raw_text: SliceText
    document_id: Int64Str | None = None


class DeleteSliceRequest(msgspec.Struct, forbid_unknown_fields=True):
    slice_ids: Annotated[list[SliceId], msgspec.Meta(min_length=1, max_length=100)]


class RetrievalTestRequest(msgspec.Struct, forbid_unknown_fields=True):
    dataset_ids: Annotated[list[Int64Str], msgspec.Meta(min_length=1, max_length=20), ID_ITEMS]
    query: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_QUERY_CHARS)]
    search_type: Annotated[int, msgspec.Meta(ge=0, le=2)] = int(SearchMode.HYBRID)
    top_k: Annotated[int, msgspec.Meta(ge=1, le=MAX_TOP_K)] = 5
    min_score: Annotated[float, msgspec.Meta(ge=0, le=1)] = 0.0
    rerank: bool = False


class RecalledInfo(msgspec.Struct):
    slice_id: str
    score: float
    content: str
    document_id: str
    document_name: str
    dataset_id: str
    dataset_name: str
    heading_path: list[str]
    page: int | None
    url: str


class RetrievalTestData(msgspec.Struct):
    query: str
    slices: list[RecalledInfo]


class RetrievalTestResponse(Envelope, kw_only=True):
    data: RetrievalTestData


class PhotoListRequest(msgspec.Struct, forbid_unknown_fields=True):
    dataset_id: Int64Str
    page: BodyPage = 1
    size: BodySize100 = 20


class PhotoInfo(msgspec.Struct):
    document_id: str
    name: str
    caption: str
    type: str
    size: int
    status: int
    url: str
    create_time: int
    update_time: int


class PhotoListData(msgspec.Struct):
    photo_infos: list[PhotoInfo]
    total: int


class PhotoListResponse(Envelope, kw_only=True):
    data: PhotoListData


class CaptionRequest(msgspec.Struct, forbid_unknown_fields=True):
    document_id: Int64Str
    caption: Annotated[str, msgspec.Meta(max_length=2000)]


class TableSchemaRequest(msgspec.Struct, forbid_unknown_fields=True):
    document_id: Int64Str


class TableSchemaData(msgspec.Struct):
    table_meta: list[TableColumnInfo]


class TableSchemaResponse(Envelope, kw_only=True):
    data: TableSchemaData


@post("/api/knowledge/slice/list", status_code=200, tags=["knowledge"])
async def list_slices(
    actor: CurrentActor, slice_service: Slices, data: JSONBody[ListSliceRequest]
) -> ListSliceResponse:
    offset = int(data.sequence)
    found, total = await slice_service.page(actor, parse_id(data.document_id), offset, data.page_size)
    return ListSliceResponse(
        data=ListSliceData([SliceInfo.of(s) for s in found], total, offset + len(found) < total)
    )


@post("/api/knowledge/slice/create", status_code=200, tags=["knowledge"])
async def create_slice(
    actor: CurrentActor, slice_service: Slices, data: JSONBody[CreateSliceRequest]
) -> SliceResponse:
    position = None if data.sequence is None else int(data.sequence)
    added = await slice_service.create(actor, parse_id(data.document_id), data.raw_text, position)
    return SliceResponse(data=SliceData(SliceInfo.of(added)))


@post("/api/knowledge/slice/update", status_code=200, tags=["knowledge"])
async def update_slice(
    actor: CurrentActor, slice_service: Slices, data: JSONBody[UpdateSliceRequest]
) -> SliceResponse:
    changed = await slice_service.update(actor, data.slice_id, data.raw_text)
    return SliceResponse(data=SliceData(SliceInfo.of(changed)))


@post("/api/knowledge/slice/delete", status_code=200, tags=["knowledge"])
async def delete_slices(
    actor: CurrentActor, slice_service: Slices, data: JSONBody[DeleteSliceRequest]
) -> EmptyResponse:
    for slice_id in dict.fromkeys(data.slice_ids):
        await slice_service.delete(actor, slice_id)
    return EmptyResponse(data=EmptyData())


@post("/api/knowledge/retrieval/test", status_code=200, tags=["knowledge"])
async def retrieval_test(
    actor: CurrentActor, retrieval_service: Retrieval, data: JSONBody[RetrievalTestRequest]
) -> RetrievalTestResponse:
    strategy = RetrievalStrategy(SearchMode(data.search_type), data.top_k, data.min_score, rerank=data.rerank)
    recall = await retrieval_service.test(
        actor, [parse_id(i) for i in data.dataset_ids], data.query, strategy
    )
    slices = [
        RecalledInfo(
            r.slice_id,
            r.score,
            r.text,
            id_str(r.document_id),
            r.document_name,
            id_str(r.dataset_id),
            r.dataset_name,
            list(r.heading_path),
            r.page,
            r.url,
        )
        for r in recall.slices
    ]
    return RetrievalTestResponse(data=RetrievalTestData(recall.query, slices))


@post("/api/knowledge/photo/list", status_code=200, tags=["knowledge"])
async def list_photos(
    actor: CurrentActor,
    dataset_service: Datasets,
    document_service: Documents,
    data: JSONBody[PhotoListRequest],
) -> PhotoListResponse:
    dataset_id = parse_id(data.dataset_id)
    dataset = (await dataset_service.get(actor, dataset_id)).dataset
    if dataset.format is not FormatType.IMAGE:
        raise WrongFormat(detail="photos are listed for image knowledge bases")
    documents, total = await document_service.page(actor, dataset_id, data.page, data.size)
    photos = [
        PhotoInfo(
            id_str(d.id),
            d.name,
            d.caption,
            d.file_type,
            d.size,
            STATUS_CODES[d.status],
            await document_service.link(d),
            seconds(d.created_at),
            seconds(d.updated_at),
        )
        for d in documents
    ]
    return PhotoListResponse(data=PhotoListData(photos, total))


@post("/api/knowledge/photo/caption", status_code=200, tags=["knowledge"])
async def update_caption(
    actor: CurrentActor, document_service: Documents, data: JSONBody[CaptionRequest]
) -> EmptyResponse:
    await document_service.update(actor, parse_id(data.document_id), caption=data.caption)
    return EmptyResponse(data=EmptyData())


@post("/api/knowledge/table_schema/get", status_code=200, tags=["knowledge"])
async def table_schema(
    actor: CurrentActor, document_service: Documents, data: JSONBody[TableSchemaRequest]
) -> TableSchemaResponse:
    (document,) = await document_service.get_many(actor, [parse_id(data.document_id)])
    return TableSchemaResponse(data=TableSchemaData(DocumentInfo.of(document, 1).table_meta))


ROUTES = [
    list_slices,
    create_slice,
    update_slice,
    delete_slices,
    retrieval_test,
    list_photos,
    update_caption,
    table_schema,
]
