"""Photos of image knowledge bases for the SPA, beside the list and caption routes: several photos
by id, and a caption suggested by the vision model (returned, not saved: docs/adr/0060)."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from api.envelope import Envelope
from api.knowledge_fields import STATUS_CODES, Documents
from api.schemas import ID_ITEMS, Int64Str, id_str, parse_id, seconds
from api.security.identity import CurrentActor
from api.web.knowledge_slices import PhotoInfo
from application.knowledge.photos import MAX_PHOTOS, PhotoService
from domain.knowledge.entities import Document

Photos = NamedDependency[PhotoService]


class PhotoDetailRequest(msgspec.Struct, forbid_unknown_fields=True):
    dataset_id: Int64Str
    document_ids: Annotated[list[Int64Str], msgspec.Meta(min_length=1, max_length=MAX_PHOTOS), ID_ITEMS]


class PhotoDetailData(msgspec.Struct):
    photo_infos: dict[str, PhotoInfo]  # by document id


class PhotoDetailResponse(Envelope, kw_only=True):
    data: PhotoDetailData


class ExtractCaptionRequest(msgspec.Struct, forbid_unknown_fields=True):
    document_id: Int64Str


class ExtractCaptionData(msgspec.Struct):
    caption: str


class ExtractCaptionResponse(Envelope, kw_only=True):
    data: ExtractCaptionData


async def _info(document_service: Documents, d: Document) -> PhotoInfo:
    return PhotoInfo(
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


@post("/api/knowledge/photo/detail", status_code=200, tags=["knowledge"])
async def photo_detail(
    actor: CurrentActor,
    photo_service: Photos,
    document_service: Documents,
    data: JSONBody[PhotoDetailRequest],
) -> PhotoDetailResponse:
    found = await photo_service.detail(
        actor, parse_id(data.dataset_id), [parse_id(i) for i in data.document_ids]
    )
    infos = {id_str(d.id): await _info(document_service, d) for d in found}
    return PhotoDetailResponse(data=PhotoDetailData(infos))


@post("/api/knowledge/photo/extract_caption", status_code=200, tags=["knowledge"])
async def extract_caption(
    actor: CurrentActor, photo_service: Photos, data: JSONBody[ExtractCaptionRequest]
) -> ExtractCaptionResponse:
    caption = await photo_service.extract_caption(actor, parse_id(data.document_id))
    return ExtractCaptionResponse(data=ExtractCaptionData(caption))


ROUTES = [photo_detail, extract_caption]
