"""Document reviews, table schema checks and default icons for the SPA, in Coze Studio's paths:
/api/knowledge/review/{create,mget,save}, /api/knowledge/table_schema/validate, /api/knowledge/icon/get
(docs/adr/0059). A review is the segmentation preview kept for a day: its slices can be edited and
saved, and document/create with `source_info.review_id` adds the document with exactly those slices.
"""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from api.envelope import Envelope
from api.knowledge_fields import ChunkStrategy, chunking_of
from api.schemas import ID_ITEMS, Int64Str, id_str, parse_id, seconds
from api.security.identity import CurrentActor
from api.web.knowledge import DocumentBase, SourceInfo, document_input
from application.knowledge.inputs import MAX_DOCUMENTS_PER_CALL, DocumentInput, UploadInput
from application.knowledge.reviews import MAX_REVIEW_SLICES, ReviewService, ReviewView
from application.knowledge.slices import MAX_SLICE_CHARS
from application.knowledge.table_schema import TableSchemaService
from domain.knowledge.errors import InvalidKnowledgeRequest

Reviews = NamedDependency[ReviewService]
TableSchemas = NamedDependency[TableSchemaService]

MAX_SHOWN = 200  # slices a review answers inline; all of them are behind doc_tree_tos_url
MAX_DOC_TREE = 8 * 1024 * 1024  # characters of one saved doc tree (the body limit is 10 MiB)
SliceKey = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
ReviewIds = Annotated[list[Int64Str], msgspec.Meta(min_length=1, max_length=100), ID_ITEMS]
# The icons the web app ships (web/public/assets), by Coze's FormatType: text, table, image.
ICONS = {0: "/assets/knowledge-text.svg", 1: "/assets/knowledge-table.svg", 2: "/assets/knowledge-image.svg"}


class ReviewInput(msgspec.Struct, forbid_unknown_fields=True):
    """Coze's ReviewInput: `tos_uri` is what the upload route answered as `upload_uri`."""

    document_name: Annotated[str, msgspec.Meta(max_length=255)] = ""
    document_type: Annotated[str, msgspec.Meta(max_length=16)] = ""
    tos_uri: Annotated[str, msgspec.Meta(max_length=1024)] = ""
    document_id: Int64Str | None = None


class ParsingStrategy(msgspec.Struct, forbid_unknown_fields=True):
    """Coze's; cozeplus has one parser per type, so these are accepted and not used."""

    parsing_type: Annotated[int, msgspec.Meta(ge=0, le=1)] | None = None
    image_extraction: bool | None = None
    table_extraction: bool | None = None
    image_ocr: bool | None = None


class CreateReviewRequest(msgspec.Struct, forbid_unknown_fields=True):
    dataset_id: Int64Str
    reviews: Annotated[list[ReviewInput], msgspec.Meta(max_length=MAX_DOCUMENTS_PER_CALL)] | None = None
    document_base: DocumentBase | None = None  # cozeplus: one document named like document/create's
    chunk_strategy: ChunkStrategy | None = None
    parsing_strategy: ParsingStrategy | None = None


class ReviewSliceInfo(msgspec.Struct):
    id: str
    sequence: int
    content: str
    heading_path: list[str]
    page: int | None


class ReviewInfo(msgspec.Struct):
    review_id: str
    document_name: str
    document_type: str
    tos_url: str
    status: int  # Coze's ReviewStatus: 1 done
    doc_tree_tos_url: str  # every slice: {"chunks": [{"id", "text", "type", ...}]}
    preview_tos_url: str
    slices: list[ReviewSliceInfo]  # cozeplus: the first MAX_SHOWN
    total: int
    char_count: int
    expire_time: int


class ReviewsData(msgspec.Struct):
    dataset_id: str
    reviews: list[ReviewInfo]


class ReviewsResponse(Envelope, kw_only=True):
    data: ReviewsData


class MGetReviewRequest(msgspec.Struct, forbid_unknown_fields=True):
    dataset_id: Int64Str
    review_ids: ReviewIds


class SliceEdit(msgspec.Struct, forbid_unknown_fields=True):
    id: SliceKey
    content: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_SLICE_CHARS)]


class SaveReviewRequest(msgspec.Struct, forbid_unknown_fields=True):
    dataset_id: Int64Str
    review_id: Int64Str
    doc_tree_json: Annotated[str, msgspec.Meta(max_length=MAX_DOC_TREE)] | None = None
    slices: Annotated[list[SliceEdit], msgspec.Meta(min_length=1, max_length=MAX_REVIEW_SLICES)] | None = None


class ReviewData(msgspec.Struct):
    review: ReviewInfo


class ReviewResponse(Envelope, kw_only=True):
    data: ReviewData


class TreeChunk(msgspec.Struct):
    """One chunk of a doc tree as Coze's front end sends it (its other fields are ignored)."""

    text: str
    id: str | int | None = None


class DocTree(msgspec.Struct):
    chunks: list[TreeChunk]


class TableSheet(msgspec.Struct, forbid_unknown_fields=True):
    sheet_id: Int64Str = "0"
    header_line_idx: Int64Str = "0"
    start_line_idx: Int64Str = "1"


class ValidateRequest(msgspec.Struct, forbid_unknown_fields=True):
    space_id: Int64Str | None = None
    document_id: Int64Str | None = None
    dataset_id: Int64Str | None = None  # cozeplus: check against a knowledge base directly
    source_file: SourceInfo | None = None
    table_sheet: TableSheet | None = None


class ValidateData(msgspec.Struct):
    column_valid_result: dict[str, str]


class ValidateResponse(Envelope, kw_only=True):
    data: ValidateData


class IconRequest(msgspec.Struct, forbid_unknown_fields=True):
    format_type: Annotated[int, msgspec.Meta(ge=0, le=2)] = 0


class Icon(msgspec.Struct):
    url: str
    uri: str


class IconData(msgspec.Struct):
    icon: Icon


class IconResponse(Envelope, kw_only=True):
    data: IconData


def _review_inputs(data: CreateReviewRequest) -> list[DocumentInput]:
    if (data.reviews is None) == (data.document_base is None):
        raise InvalidKnowledgeRequest(detail="send either reviews or document_base")
    if data.document_base is not None:
        return [document_input(data.document_base)]
    inputs: list[DocumentInput] = []
    for given in data.reviews or ():
        if not given.tos_uri.isdigit():
            raise InvalidKnowledgeRequest(detail="tos_uri is the upload_uri the upload route answered")
        inputs.append(UploadInput(parse_id(given.tos_uri), given.document_name, given.document_type or None))
    return inputs


async def _info(service: ReviewService, view: ReviewView) -> ReviewInfo:
    r = view.review
    source_link = await service.link(r.source_key)
    return ReviewInfo(
        review_id=id_str(r.id),
        document_name=r.name,
        document_type=r.file_type,
        tos_url=source_link or r.url,
        status=int(r.status),
        doc_tree_tos_url=await service.link(r.chunks_key),
        preview_tos_url=source_link or r.url,
        slices=[
            ReviewSliceInfo(s.id, i, s.text, list(s.heading_path), s.page)
            for i, s in enumerate(view.slices[:MAX_SHOWN])
        ],
        total=len(view.slices),
        char_count=r.char_count,
        expire_time=seconds(r.expires_at),
    )


@post("/api/knowledge/review/create", status_code=200, tags=["knowledge"])
async def create_reviews(
    actor: CurrentActor, review_service: Reviews, data: JSONBody[CreateReviewRequest]
) -> ReviewsResponse:
    dataset_id = parse_id(data.dataset_id)
    views = await review_service.create(
        actor, dataset_id, _review_inputs(data), chunking_of(data.chunk_strategy)
    )
    infos = [await _info(review_service, v) for v in views]
    return ReviewsResponse(data=ReviewsData(id_str(dataset_id), infos))


@post("/api/knowledge/review/mget", status_code=200, tags=["knowledge"])
async def mget_reviews(
    actor: CurrentActor, review_service: Reviews, data: JSONBody[MGetReviewRequest]
) -> ReviewsResponse:
    dataset_id = parse_id(data.dataset_id)
    wanted = [parse_id(i) for i in dict.fromkeys(data.review_ids)]
    views = await review_service.get_many(actor, dataset_id, wanted)
    infos = [await _info(review_service, v) for v in views]
    return ReviewsResponse(data=ReviewsData(id_str(dataset_id), infos))


@post("/api/knowledge/review/save", status_code=200, tags=["knowledge"])
async def save_review(
    actor: CurrentActor, review_service: Reviews, data: JSONBody[SaveReviewRequest]
) -> ReviewResponse:
    dataset_id, review_id = parse_id(data.dataset_id), parse_id(data.review_id)
    edits = None if data.slices is None else {e.id: e.content for e in data.slices}
    given = None
    if data.doc_tree_json is not None:
        tree = _doc_tree(data.doc_tree_json)
        given = [(None if c.id is None else str(c.id), c.text) for c in tree.chunks]
    view = await review_service.save(actor, dataset_id, review_id, slices=given, edits=edits)
    return ReviewResponse(data=ReviewData(await _info(review_service, view)))


def _doc_tree(text: str) -> DocTree:
    try:
        tree = msgspec.json.decode(text, type=DocTree)
    except msgspec.DecodeError as exc:
        raise InvalidKnowledgeRequest(detail=f"doc_tree_json: {exc}") from None
    if len(tree.chunks) > MAX_REVIEW_SLICES:
        raise InvalidKnowledgeRequest(detail=f"a review keeps 1..{MAX_REVIEW_SLICES} slices")
    return tree


@post("/api/knowledge/table_schema/validate", status_code=200, tags=["knowledge"])
async def validate_table_schema(
    actor: CurrentActor, table_schema_service: TableSchemas, data: JSONBody[ValidateRequest]
) -> ValidateResponse:
    sheet = data.table_sheet or TableSheet()
    source = data.source_file or SourceInfo()
    given = None
    if any(
        v is not None for v in (source.file_id, source.file_base64, source.custom_content, source.web_url)
    ):
        name = "" if source.file_id is not None else f"sheet.{source.file_type or ''}"
        given = document_input(DocumentBase(name=name, source_info=source))
    result = await table_schema_service.validate(
        actor,
        given,
        sheet=(int(sheet.sheet_id), int(sheet.header_line_idx), int(sheet.start_line_idx)),
        document_id=None if data.document_id is None else parse_id(data.document_id),
        dataset_id=None if data.dataset_id is None else parse_id(data.dataset_id),
        space_id=None if data.space_id is None else parse_id(data.space_id),
    )
    return ValidateResponse(data=ValidateData(result))


@post("/api/knowledge/icon/get", status_code=200, tags=["knowledge"])
async def dataset_icon(actor: CurrentActor, data: JSONBody[IconRequest]) -> IconResponse:
    path = ICONS[data.format_type]
    return IconResponse(data=IconData(Icon(url=path, uri=path)))


ROUTES = [create_reviews, mget_reviews, save_review, validate_table_schema, dataset_icon]
