"""Token API for knowledge bases, as cozepy 0.20.0 calls it: `datasets` (create, list, update,
delete, process), `datasets.documents` / the older `knowledge.documents` (/open_api/knowledge/
document/{create,list,update,delete}) and `datasets.images` (list, update).

cozepy sends None fields as JSON null and None query values as "": both mean absent. Documents
carry Coze's DocumentStatus 0/1/9 only (cozepy accepts no other), so a disabled document reads 1 here.
Scopes: knowledge:read for reads, knowledge:write for changes (checked by the use cases)."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import delete, get, post, put
from litestar.params import JSONBody, QueryParameter

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
from api.schemas import (
    ID_ITEMS,
    MAX_PAGE_NUMBER,
    Int64Id,
    OptionalWireId,
    QueryId,
    QueryPage,
    QuerySize100,
    WireId,
    id_str,
    parse_id,
    query_int,
    seconds,
)
from api.security.identity import CurrentActor
from application.knowledge.datasets import DatasetChanges
from application.knowledge.inputs import (
    MAX_DOCUMENTS_PER_CALL,
    DocumentInput,
    FileInput,
    UploadInput,
    WebInput,
)
from domain.knowledge.entities import MAX_DESCRIPTION, MAX_NAME, Document
from domain.knowledge.errors import InvalidKnowledgeRequest, WrongFormat
from domain.knowledge.parsed import FormatType
from domain.knowledge.ports import DatasetQuery

Format = Annotated[int, msgspec.Meta(ge=0, le=2)]
FormatQuery = Annotated[
    str | None, QueryParameter(pattern=r"^[0-2]?$", description="0 text, 1 table, 2 image")
]
# Coze's DocumentSourceType on the token API: 0 a local file, 1 a web page, 5 an uploaded file's id.
SOURCE_LOCAL, SOURCE_WEB, SOURCE_FILE_ID = 0, 1, 5


class OpenCreateDatasetRequest(msgspec.Struct):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_NAME)]
    space_id: WireId
    format_type: Format = 0
    description: Annotated[str, msgspec.Meta(max_length=MAX_DESCRIPTION)] | None = None
    file_id: OptionalWireId = None  # the icon (an uploaded image)


class OpenDatasetIdData(msgspec.Struct):
    dataset_id: str


class OpenDatasetIdResponse(Envelope, kw_only=True):
    data: OpenDatasetIdData


class DatasetPage(msgspec.Struct):
    dataset_list: list[DatasetInfo]
    total_count: int


class DatasetPageResponse(Envelope, kw_only=True):
    data: DatasetPage


class OpenUpdateDatasetRequest(msgspec.Struct):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_NAME)]
    description: Annotated[str, msgspec.Meta(max_length=MAX_DESCRIPTION)] | None = None
    file_id: OptionalWireId = None


class ProcessRequest(msgspec.Struct):
    document_ids: Annotated[list[WireId], msgspec.Meta(min_length=1, max_length=100), ID_ITEMS]


class ProgressList(msgspec.Struct):
    data: list[DocumentProgress]


class OpenProgressResponse(Envelope, kw_only=True):
    data: ProgressList


class OpenSourceInfo(msgspec.Struct):
    file_base64: str | None = None
    file_type: Annotated[str, msgspec.Meta(max_length=16)] | None = None
    web_url: Annotated[str, msgspec.Meta(max_length=2048)] | None = None
    document_source: int | None = None
    source_file_id: OptionalWireId = None


class UpdateRule(msgspec.Struct):
    update_type: int = 0
    update_interval: int = 0


class OpenDocumentBase(msgspec.Struct):
    name: Annotated[str, msgspec.Meta(max_length=255)]
    source_info: OpenSourceInfo
    update_rule: UpdateRule | None = None
    caption: Annotated[str, msgspec.Meta(max_length=2000)] | None = None


class CreateDocumentsRequest(msgspec.Struct):
    dataset_id: WireId
    document_bases: Annotated[
        list[OpenDocumentBase], msgspec.Meta(min_length=1, max_length=MAX_DOCUMENTS_PER_CALL)
    ]
    chunk_strategy: ChunkStrategy | None = None
    format_type: Format | None = None


class OpenDocumentsResponse(Envelope, kw_only=True):
    document_infos: list[DocumentInfo]  # top level, as Coze answers it


class ListDocumentsRequest(msgspec.Struct):
    dataset_id: WireId
    page: Annotated[int, msgspec.Meta(ge=1, le=MAX_PAGE_NUMBER)] | None = None
    size: Annotated[int, msgspec.Meta(ge=1, le=100)] | None = None


class DocumentPageResponse(Envelope, kw_only=True):
    document_infos: list[DocumentInfo]
    total: int


class OpenUpdateDocumentRequest(msgspec.Struct):
    document_id: WireId
    document_name: Annotated[str, msgspec.Meta(min_length=1, max_length=255)] | None = None
    update_rule: UpdateRule | None = None


class DeleteDocumentsRequest(msgspec.Struct):
    document_ids: Annotated[list[WireId], msgspec.Meta(min_length=1, max_length=100), ID_ITEMS]


class Photo(msgspec.Struct):
    document_id: str
    name: str
    caption: str
    url: str
    type: str
    size: int
    status: int
    source_type: int
    creator_id: str
    create_time: int
    update_time: int


class PhotoPage(msgspec.Struct):
    photo_infos: list[Photo]
    total_count: int


class PhotoPageResponse(Envelope, kw_only=True):
    data: PhotoPage


class OpenCaptionRequest(msgspec.Struct):
    caption: Annotated[str, msgspec.Meta(max_length=2000)]


def _token_status(code: int) -> int:
    return 1 if code == 2 else code  # disabled is "completed" to cozepy's 0/1/9


def _document(d: Document, format_type: int) -> DocumentInfo:
    info = DocumentInfo.of(d, format_type)
    return msgspec.structs.replace(info, status=_token_status(info.status))


def _input(base: OpenDocumentBase) -> DocumentInput:
    source = base.source_info
    if source.web_url or source.document_source == SOURCE_WEB:
        if not source.web_url:
            raise InvalidKnowledgeRequest(detail="a web page document needs source_info.web_url")
        return WebInput(source.web_url, base.name)
    if source.source_file_id not in (None, "") or source.document_source == SOURCE_FILE_ID:
        if source.source_file_id in (None, ""):
            raise InvalidKnowledgeRequest(detail="an uploaded file document needs source_info.source_file_id")
        return UploadInput(parse_id(source.source_file_id), base.name, source.file_type, base.caption or "")
    if source.file_base64:
        return FileInput(base.name, decoded(source.file_base64), source.file_type, base.caption or "")
    raise InvalidKnowledgeRequest(detail="each document needs file_base64, web_url or source_file_id")


@post("/v1/datasets", status_code=200, tags=["knowledge"])
async def create_dataset(
    actor: CurrentActor, dataset_service: Datasets, data: JSONBody[OpenCreateDatasetRequest]
) -> OpenDatasetIdResponse:
    view = await dataset_service.create(
        actor, parse_id(data.space_id), data.name, FormatType(data.format_type), data.description or ""
    )
    return OpenDatasetIdResponse(data=OpenDatasetIdData(id_str(view.dataset.id)))


@get("/v1/datasets", tags=["knowledge"])
async def list_datasets(
    actor: CurrentActor,
    dataset_service: Datasets,
    space_id: QueryId = None,
    name: Annotated[str | None, QueryParameter(max_length=MAX_NAME)] = None,
    format_type: FormatQuery = None,
    page_num: QueryPage = None,
    page_size: QuerySize100 = None,
) -> DatasetPageResponse:
    if not space_id:
        raise InvalidKnowledgeRequest(detail="space_id is required")
    query = DatasetQuery(
        parse_id(space_id),
        name or "",
        FormatType(int(format_type)) if format_type else None,
        query_int(page_num, 1, MAX_PAGE_NUMBER, "page_num"),
        query_int(page_size, 10, 100, "page_size"),
    )
    views, total = await dataset_service.page(actor, query)
    return DatasetPageResponse(data=DatasetPage([DatasetInfo.of(v) for v in views], total))


@put("/v1/datasets/{dataset_id:int}", status_code=200, tags=["knowledge"])
async def update_dataset(
    actor: CurrentActor,
    dataset_service: Datasets,
    dataset_id: Int64Id,
    data: JSONBody[OpenUpdateDatasetRequest],
) -> EmptyResponse:
    await dataset_service.update(
        actor, dataset_id, DatasetChanges(name=data.name, description=data.description)
    )
    return EmptyResponse(data=EmptyData())


@delete("/v1/datasets/{dataset_id:int}", status_code=200, tags=["knowledge"])
async def delete_dataset(
    actor: CurrentActor, dataset_service: Datasets, dataset_id: Int64Id
) -> EmptyResponse:
    await dataset_service.delete(actor, dataset_id)
    return EmptyResponse(data=EmptyData())


@post("/v1/datasets/{dataset_id:int}/process", status_code=200, tags=["knowledge"])
async def document_progress(
    actor: CurrentActor, document_service: Documents, dataset_id: Int64Id, data: JSONBody[ProcessRequest]
) -> OpenProgressResponse:
    documents = await document_service.get_many(
        actor, [parse_id(i) for i in dict.fromkeys(data.document_ids)]
    )
    if any(d.dataset_id != dataset_id for d in documents):
        raise InvalidKnowledgeRequest(detail="every document must belong to the dataset in the path")
    progress = [DocumentProgress.of(d) for d in documents]
    return OpenProgressResponse(
        data=ProgressList([msgspec.structs.replace(p, status=_token_status(p.status)) for p in progress])
    )


@post("/open_api/knowledge/document/create", status_code=200, tags=["knowledge"])
async def create_documents(
    actor: CurrentActor,
    dataset_service: Datasets,
    document_service: Documents,
    data: JSONBody[CreateDocumentsRequest],
) -> OpenDocumentsResponse:
    dataset_id = parse_id(data.dataset_id)
    dataset = (await dataset_service.get(actor, dataset_id)).dataset
    if data.format_type is not None and data.format_type != dataset.format:
        raise WrongFormat(detail="format_type differs from the knowledge base's")
    created = await document_service.create(
        actor,
        dataset_id,
        [_input(b) for b in data.document_bases],
        chunking_of(data.chunk_strategy, dataset.chunking),
    )
    return OpenDocumentsResponse(document_infos=[_document(d, int(dataset.format)) for d in created])


@post("/open_api/knowledge/document/list", status_code=200, tags=["knowledge"])
async def list_documents(
    actor: CurrentActor,
    dataset_service: Datasets,
    document_service: Documents,
    data: JSONBody[ListDocumentsRequest],
) -> DocumentPageResponse:
    dataset_id = parse_id(data.dataset_id)
    dataset = (await dataset_service.get(actor, dataset_id)).dataset
    documents, total = await document_service.page(actor, dataset_id, data.page or 1, data.size or 10)
    return DocumentPageResponse(
        document_infos=[_document(d, int(dataset.format)) for d in documents], total=total
    )


@post("/open_api/knowledge/document/update", status_code=200, tags=["knowledge"])
async def update_document(
    actor: CurrentActor, document_service: Documents, data: JSONBody[OpenUpdateDocumentRequest]
) -> EmptyResponse:
    await document_service.update(actor, parse_id(data.document_id), name=data.document_name)
    return EmptyResponse(data=EmptyData())


@post("/open_api/knowledge/document/delete", status_code=200, tags=["knowledge"])
async def delete_documents(
    actor: CurrentActor, document_service: Documents, data: JSONBody[DeleteDocumentsRequest]
) -> EmptyResponse:
    await document_service.delete(actor, [parse_id(i) for i in dict.fromkeys(data.document_ids)])
    return EmptyResponse(data=EmptyData())


@get("/v1/datasets/{dataset_id:int}/images", tags=["knowledge"])
async def list_images(
    actor: CurrentActor,
    dataset_service: Datasets,
    document_service: Documents,
    dataset_id: Int64Id,
    keyword: Annotated[str | None, QueryParameter(max_length=100)] = None,
    has_caption: Annotated[str | None, QueryParameter(pattern=r"^(true|false|True|False)?$")] = None,
    page_num: QueryPage = None,
    page_size: QuerySize100 = None,
) -> PhotoPageResponse:
    dataset = (await dataset_service.get(actor, dataset_id)).dataset
    if dataset.format is not FormatType.IMAGE:
        raise WrongFormat(detail="images are listed for image knowledge bases")
    documents, total = await document_service.page(
        actor,
        dataset_id,
        query_int(page_num, 1, MAX_PAGE_NUMBER, "page_num"),
        query_int(page_size, 10, 100, "page_size"),
        keyword=keyword or "",
        has_caption=None if not has_caption else has_caption.lower() == "true",
    )
    photos = [
        Photo(
            id_str(d.id),
            d.name,
            d.caption,
            await document_service.link(d),
            d.file_type,
            d.size,
            _token_status(DocumentInfo.of(d, 2).status),
            int(d.source),
            id_str(d.creator_id),
            seconds(d.created_at),
            seconds(d.updated_at),
        )
        for d in documents
    ]
    return PhotoPageResponse(data=PhotoPage(photos, total))


@put("/v1/datasets/{dataset_id:int}/images/{document_id:int}", status_code=200, tags=["knowledge"])
async def update_image(
    actor: CurrentActor,
    document_service: Documents,
    dataset_id: Int64Id,
    document_id: Int64Id,
    data: JSONBody[OpenCaptionRequest],
) -> EmptyResponse:
    (document,) = await document_service.get_many(actor, [document_id])
    if document.dataset_id != dataset_id:
        raise InvalidKnowledgeRequest(detail="the image is not in this dataset")
    await document_service.update(actor, document_id, caption=data.caption)
    return EmptyResponse(data=EmptyData())


ROUTES = [
    create_dataset,
    list_datasets,
    update_dataset,
    delete_dataset,
    document_progress,
    create_documents,
    list_documents,
    update_document,
    delete_documents,
    list_images,
    update_image,
]
