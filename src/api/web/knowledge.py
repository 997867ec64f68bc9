"""Knowledge bases and their documents for the SPA, in Coze Studio's paths (/api/knowledge/...):
create, detail, list, update, delete; documents create, list, update, resegment, delete, and their
indexing progress. Slices, photos and the retrieval test are in api/web/knowledge_slices.py; reviews
(the segmentation preview kept for editing) in api/web/knowledge_reviews.py."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from litestar import post
from litestar.params import JSONBody

from api.envelope import EmptyData, EmptyResponse, Envelope
from api.knowledge_fields import (
    ChunkStrategy,
    DatasetInfo,
    Datasets,
    DocumentInfo,
    DocumentProgress,
    Documents,
    chunking_of,
    decoded,
)
from api.schemas import ID_ITEMS, BodyPage, BodySize100, Int64Str, id_str, parse_id
from api.security.identity import CurrentActor
from application.knowledge.datasets import DatasetChanges
from application.knowledge.inputs import (
    MAX_DOCUMENTS_PER_CALL,
    DocumentInput,
    FileInput,
    ReviewedInput,
    TextInput,
    UploadInput,
    WebInput,
)
from domain.knowledge.entities import MAX_DESCRIPTION, MAX_NAME, DatasetStatus
from domain.knowledge.errors import InvalidKnowledgeRequest
from domain.knowledge.parsed import FormatType
from domain.knowledge.ports import DatasetQuery

Format = Annotated[int, msgspec.Meta(ge=0, le=2, description="0 text, 1 table, 2 image")]
IdList = Annotated[list[Int64Str], msgspec.Meta(min_length=1, max_length=100), ID_ITEMS]
# Coze's DocumentSource values the SPA sends: 0 a file, 1 a web page, 2 custom text.
SOURCE_FILE, SOURCE_WEB, SOURCE_TEXT = 0, 1, 2
MAX_LISTED = 100  # documents named in one list call


class CreateDatasetRequest(msgspec.Struct, forbid_unknown_fields=True):
    space_id: Int64Str
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_NAME)]
    format_type: Format = 0
    description: Annotated[str, msgspec.Meta(max_length=MAX_DESCRIPTION)] = ""
    icon_uri: Annotated[str, msgspec.Meta(max_length=1024)] = ""
    embedding_model_id: Int64Str | None = None  # cozeplus: the platform default when absent
    chunk_strategy: ChunkStrategy | None = None
    biz_id: Int64Str | None = None  # Coze Studio sends these; not used here
    project_id: Int64Str | None = None


class DatasetIdData(msgspec.Struct):
    dataset_id: str


class DatasetIdResponse(Envelope, kw_only=True):
    data: DatasetIdData


class DatasetIdRequest(msgspec.Struct, forbid_unknown_fields=True):
    dataset_id: Int64Str


class DetailRequest(msgspec.Struct, forbid_unknown_fields=True):
    dataset_ids: IdList
    space_id: Int64Str | None = None
    project_id: Int64Str | None = None


class DetailData(msgspec.Struct):
    dataset_details: dict[str, DatasetInfo]


class DetailResponse(Envelope, kw_only=True):
    data: DetailData


class DatasetFilter(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(max_length=MAX_NAME)] | None = None
    format_type: Format | None = None
    dataset_ids: list[Int64Str] | None = None
    source_type: int | None = None
    scope_type: int | None = None


class ListRequest(msgspec.Struct, forbid_unknown_fields=True):
    space_id: Int64Str
    filter: DatasetFilter | None = None
    page: BodyPage = 1
    size: BodySize100 = 20
    order_field: int | None = None
    order_type: int | None = None
    project_id: str | None = None
    need_ref_bots: bool | None = None


class ListData(msgspec.Struct):
    dataset_list: list[DatasetInfo]
    total: int


class ListResponse(Envelope, kw_only=True):
    data: ListData


class UpdateDatasetRequest(msgspec.Struct, forbid_unknown_fields=True):
    dataset_id: Int64Str
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_NAME)] | None = None
    description: Annotated[str, msgspec.Meta(max_length=MAX_DESCRIPTION)] | None = None
    icon_uri: Annotated[str, msgspec.Meta(max_length=1024)] | None = None
    status: Literal[1, 3] | None = None  # 1 enabled, 3 disabled
    chunk_strategy: ChunkStrategy | None = None
    embedding_model_id: Int64Str | None = None


class SourceInfo(msgspec.Struct, forbid_unknown_fields=True):
    document_source: Annotated[int, msgspec.Meta(ge=0, le=2)] | None = None
    file_id: Int64Str | None = None  # cozeplus: an upload's id (Coze Studio sends tos_uri)
    tos_uri: Annotated[str, msgspec.Meta(max_length=1024)] | None = None
    file_base64: str | None = None
    file_type: Annotated[str, msgspec.Meta(max_length=16)] | None = None
    custom_content: str | None = None
    web_url: Annotated[str, msgspec.Meta(max_length=2048)] | None = None
    review_id: Int64Str | None = None  # a review (review/create): its bytes and its slices as saved


class DocumentBase(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(max_length=255)] = ""
    source_info: SourceInfo = msgspec.field(default_factory=SourceInfo)
    caption: Annotated[str, msgspec.Meta(max_length=2000)] | None = None


class CreateDocumentRequest(msgspec.Struct, forbid_unknown_fields=True):
    dataset_id: Int64Str
    document_bases: Annotated[
        list[DocumentBase], msgspec.Meta(min_length=1, max_length=MAX_DOCUMENTS_PER_CALL)
    ]
    format_type: Format | None = None
    chunk_strategy: ChunkStrategy | None = None
    is_append: bool | None = None


class DocumentsData(msgspec.Struct):
    document_infos: list[DocumentInfo]


class DocumentsResponse(Envelope, kw_only=True):
    data: DocumentsData


class ListDocumentRequest(msgspec.Struct, forbid_unknown_fields=True):
    dataset_id: Int64Str
    page: BodyPage = 1
    size: BodySize100 = 20
    document_ids: Annotated[list[Int64Str], msgspec.Meta(max_length=MAX_LISTED)] | None = None
    keyword: Annotated[str, msgspec.Meta(max_length=100)] | None = None


class ListDocumentData(msgspec.Struct):
    document_infos: list[DocumentInfo]
    total: int


class ListDocumentResponse(Envelope, kw_only=True):
    data: ListDocumentData


class UpdateDocumentRequest(msgspec.Struct, forbid_unknown_fields=True):
    document_id: Int64Str
    document_name: Annotated[str, msgspec.Meta(min_length=1, max_length=255)] | None = None


class ResegmentRequest(msgspec.Struct, forbid_unknown_fields=True):
    dataset_id: Int64Str
    document_ids: IdList
    chunk_strategy: ChunkStrategy


class DeleteDocumentRequest(msgspec.Struct, forbid_unknown_fields=True):
    document_ids: IdList
    dataset_id: Int64Str | None = None


class ProgressRequest(msgspec.Struct, forbid_unknown_fields=True):
    document_ids: IdList
    dataset_id: Int64Str | None = None


class ProgressData(msgspec.Struct):
    data: list[DocumentProgress]


class ProgressResponse(Envelope, kw_only=True):
    data: ProgressData


def document_input(base: DocumentBase) -> DocumentInput:
    """One DocumentBase as what the use case takes; which source is meant follows Coze's rules."""
    source = base.source_info
    if source.review_id is not None:
        return ReviewedInput(parse_id(source.review_id), base.name)
    if source.web_url:
        return WebInput(source.web_url, base.name)
    if source.custom_content is not None or source.document_source == SOURCE_TEXT:
        return TextInput(base.name, source.custom_content or "")
    if source.file_base64 is not None:
        return FileInput(base.name, decoded(source.file_base64), source.file_type, base.caption or "")
    if source.file_id is not None:
        return UploadInput(parse_id(source.file_id), base.name, source.file_type, base.caption or "")
    raise InvalidKnowledgeRequest(
        detail="each document needs file_id, file_base64, custom_content or web_url in source_info"
    )


@post("/api/knowledge/create", status_code=200, tags=["knowledge"])
async def create_dataset(
    actor: CurrentActor, dataset_service: Datasets, data: JSONBody[CreateDatasetRequest]
) -> DatasetIdResponse:
    view = await dataset_service.create(
        actor,
        parse_id(data.space_id),
        data.name,
        FormatType(data.format_type),
        data.description,
        data.icon_uri,
        None if data.embedding_model_id is None else parse_id(data.embedding_model_id),
        chunking_of(data.chunk_strategy),
    )
    return DatasetIdResponse(data=DatasetIdData(id_str(view.dataset.id)))


@post("/api/knowledge/detail", status_code=200, tags=["knowledge"])
async def dataset_detail(
    actor: CurrentActor, dataset_service: Datasets, data: JSONBody[DetailRequest]
) -> DetailResponse:
    details = {}
    for raw in dict.fromkeys(data.dataset_ids):
        view = await dataset_service.get(actor, parse_id(raw))
        details[raw] = DatasetInfo.of(view)
    return DetailResponse(data=DetailData(details))


@post("/api/knowledge/list", status_code=200, tags=["knowledge"])
async def list_datasets(
    actor: CurrentActor, dataset_service: Datasets, data: JSONBody[ListRequest]
) -> ListResponse:
    flt = data.filter or DatasetFilter()
    query = DatasetQuery(
        parse_id(data.space_id),
        flt.name or "",
        None if flt.format_type is None else FormatType(flt.format_type),
        data.page,
        data.size,
    )
    views, total = await dataset_service.page(actor, query)
    return ListResponse(data=ListData([DatasetInfo.of(v) for v in views], total))


@post("/api/knowledge/update", status_code=200, tags=["knowledge"])
async def update_dataset(
    actor: CurrentActor, dataset_service: Datasets, data: JSONBody[UpdateDatasetRequest]
) -> EmptyResponse:
    dataset_id = parse_id(data.dataset_id)
    current = await dataset_service.get(actor, dataset_id)
    changes = DatasetChanges(
        name=data.name,
        description=data.description,
        icon_uri=data.icon_uri,
        status=None if data.status is None else _status(data.status),
        chunking=chunking_of(data.chunk_strategy, current.dataset.chunking),
        embedding_model_id=None if data.embedding_model_id is None else parse_id(data.embedding_model_id),
    )
    await dataset_service.update(actor, dataset_id, changes)
    return EmptyResponse(data=EmptyData())


def _status(value: int) -> DatasetStatus:
    if value not in (DatasetStatus.ENABLED, DatasetStatus.DISABLED):
        raise InvalidKnowledgeRequest(detail="status is 1 (enabled) or 3 (disabled)")
    return DatasetStatus(value)


@post("/api/knowledge/delete", status_code=200, tags=["knowledge"])
async def delete_dataset(
    actor: CurrentActor, dataset_service: Datasets, data: JSONBody[DatasetIdRequest]
) -> EmptyResponse:
    await dataset_service.delete(actor, parse_id(data.dataset_id))
    return EmptyResponse(data=EmptyData())


@post("/api/knowledge/document/create", status_code=200, tags=["knowledge"])
async def create_documents(
    actor: CurrentActor,
    dataset_service: Datasets,
    document_service: Documents,
    data: JSONBody[CreateDocumentRequest],
) -> DocumentsResponse:
    dataset_id = parse_id(data.dataset_id)
    dataset = (await dataset_service.get(actor, dataset_id)).dataset
    if data.format_type is not None and data.format_type != dataset.format:
        raise InvalidKnowledgeRequest(detail="format_type differs from the knowledge base's")
    inputs = [document_input(b) for b in data.document_bases]
    created = await document_service.create(
        actor, dataset_id, inputs, chunking_of(data.chunk_strategy, dataset.chunking)
    )
    return DocumentsResponse(data=DocumentsData([DocumentInfo.of(d, int(dataset.format)) for d in created]))


@post("/api/knowledge/document/list", status_code=200, tags=["knowledge"])
async def list_documents(
    actor: CurrentActor,
    dataset_service: Datasets,
    document_service: Documents,
    data: JSONBody[ListDocumentRequest],
) -> ListDocumentResponse:
    dataset_id = parse_id(data.dataset_id)
    dataset = (await dataset_service.get(actor, dataset_id)).dataset
    if data.document_ids:
        wanted = [parse_id(i) for i in dict.fromkeys(data.document_ids)][:MAX_LISTED]
        documents = [d for d in await document_service.get_many(actor, wanted) if d.dataset_id == dataset_id]
        total = len(documents)
    else:
        documents, total = await document_service.page(
            actor, dataset_id, data.page, data.size, keyword=data.keyword or ""
        )
    infos = [DocumentInfo.of(d, int(dataset.format)) for d in documents]
    return ListDocumentResponse(data=ListDocumentData(infos, total))


@post("/api/knowledge/document/update", status_code=200, tags=["knowledge"])
async def update_document(
    actor: CurrentActor, document_service: Documents, data: JSONBody[UpdateDocumentRequest]
) -> EmptyResponse:
    await document_service.update(actor, parse_id(data.document_id), name=data.document_name)
    return EmptyResponse(data=EmptyData())


@post("/api/knowledge/document/resegment", status_code=200, tags=["knowledge"])
async def resegment_documents(
    actor: CurrentActor,
    dataset_service: Datasets,
    document_service: Documents,
    data: JSONBody[ResegmentRequest],
) -> DocumentsResponse:
    dataset = (await dataset_service.get(actor, parse_id(data.dataset_id))).dataset
    chunking = chunking_of(data.chunk_strategy, dataset.chunking)
    documents = await document_service.get_many(actor, [parse_id(i) for i in data.document_ids])
    if any(d.dataset_id != dataset.id for d in documents):
        raise InvalidKnowledgeRequest(detail="every document must belong to dataset_id")
    changed = [await document_service.update(actor, d.id, chunking=chunking) for d in documents]
    return DocumentsResponse(data=DocumentsData([DocumentInfo.of(d, int(dataset.format)) for d in changed]))


@post("/api/knowledge/document/delete", status_code=200, tags=["knowledge"])
async def delete_documents(
    actor: CurrentActor, document_service: Documents, data: JSONBody[DeleteDocumentRequest]
) -> EmptyResponse:
    await document_service.delete(actor, [parse_id(i) for i in dict.fromkeys(data.document_ids)])
    return EmptyResponse(data=EmptyData())


@post("/api/knowledge/document/progress/get", status_code=200, tags=["knowledge"])
async def document_progress(
    actor: CurrentActor, document_service: Documents, data: JSONBody[ProgressRequest]
) -> ProgressResponse:
    documents = await document_service.get_many(
        actor, [parse_id(i) for i in dict.fromkeys(data.document_ids)]
    )
    if data.dataset_id is not None:  # only that knowledge base's documents
        documents = [d for d in documents if d.dataset_id == parse_id(data.dataset_id)]
    return ProgressResponse(data=ProgressData([DocumentProgress.of(d) for d in documents]))


ROUTES = [
    create_dataset,
    dataset_detail,
    list_datasets,
    update_dataset,
    delete_dataset,
    create_documents,
    list_documents,
    update_document,
    resegment_documents,
    delete_documents,
    document_progress,
]
