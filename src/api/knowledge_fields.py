"""Wire shapes both surfaces share for knowledge: Coze's Dataset, ChunkStrategy and DocumentInfo
(idl/data/knowledge/common.thrift in Coze Studio; cozepy's Dataset and Document read the same names)."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

import msgspec
from litestar.di import NamedDependency

from api.schemas import id_str, seconds
from application.knowledge.datasets import DatasetService, DatasetView
from application.knowledge.documents import DocumentService
from domain.knowledge.entities import Document, DocumentStatus
from domain.knowledge.errors import InvalidKnowledgeRequest
from domain.knowledge.values import MAX_CHUNK_SIZE, MAX_DEPTH, ChunkingMode, ChunkingStrategy

Datasets = NamedDependency[DatasetService]
Documents = NamedDependency[DocumentService]

# Coze's ChunkType
DEFAULT_CHUNK, CUSTOM_CHUNK, LEVEL_CHUNK = 0, 1, 2
_MODES = {
    DEFAULT_CHUNK: ChunkingMode.AUTO,
    CUSTOM_CHUNK: ChunkingMode.CUSTOM,
    LEVEL_CHUNK: ChunkingMode.HIERARCHICAL,
}
# Coze's DocumentStatus: 0 processing, 1 enabled, 2 disabled, 9 failed.
STATUS_CODES = {
    DocumentStatus.QUEUED: 0,
    DocumentStatus.PROCESSING: 0,
    DocumentStatus.READY: 1,
    DocumentStatus.DISABLED: 2,
    DocumentStatus.FAILED: 9,
}


class ChunkStrategy(msgspec.Struct, omit_defaults=False):
    chunk_type: Annotated[int, msgspec.Meta(ge=0, le=2)] | None = None
    separator: Annotated[str, msgspec.Meta(max_length=32)] | None = None
    max_tokens: Annotated[int, msgspec.Meta(ge=0, le=MAX_CHUNK_SIZE)] | None = None
    remove_extra_spaces: bool | None = None
    remove_urls_emails: bool | None = None
    caption_type: Annotated[int, msgspec.Meta(ge=0, le=1)] | None = None
    overlap: Annotated[int, msgspec.Meta(ge=0, le=MAX_CHUNK_SIZE)] | None = None
    max_level: Annotated[int, msgspec.Meta(ge=0, le=MAX_DEPTH)] | None = None
    save_title: bool | None = None

    def strategy(self, base: ChunkingStrategy | None = None) -> ChunkingStrategy:
        base = base or ChunkingStrategy()
        mode = _MODES.get(self.chunk_type or 0, ChunkingMode.AUTO)
        if mode is ChunkingMode.AUTO:
            return ChunkingStrategy(
                trim_spaces=True if self.remove_extra_spaces is None else self.remove_extra_spaces,
                strip_urls_emails=bool(self.remove_urls_emails),
            )
        separator = base.separator if self.separator is None else _unescaped(self.separator)
        return ChunkingStrategy(
            mode=mode,
            chunk_size=self.max_tokens or base.chunk_size,
            separator=separator or base.separator,
            overlap=base.overlap if self.overlap is None else self.overlap,
            trim_spaces=base.trim_spaces if self.remove_extra_spaces is None else self.remove_extra_spaces,
            strip_urls_emails=bool(self.remove_urls_emails),
            max_depth=self.max_level or base.max_depth,
            keep_headings=base.keep_headings if self.save_title is None else self.save_title,
        )

    @classmethod
    def of(cls, strategy: ChunkingStrategy) -> ChunkStrategy:
        chunk_type = {v: k for k, v in _MODES.items()}[strategy.mode]
        return cls(
            chunk_type=chunk_type,
            separator=strategy.separator,
            max_tokens=strategy.chunk_size,
            remove_extra_spaces=strategy.trim_spaces,
            remove_urls_emails=strategy.strip_urls_emails,
            caption_type=None,
            overlap=strategy.overlap,
            max_level=strategy.max_depth,
            save_title=strategy.keep_headings,
        )


def _unescaped(separator: str) -> str:
    """Front ends send "\\n" for a newline separator; any other text is taken literally."""
    return separator.replace("\\n", "\n").replace("\\t", "\t")


def chunking_of(given: ChunkStrategy | None, base: ChunkingStrategy | None = None) -> ChunkingStrategy | None:
    if given is None:
        return None
    try:
        return given.strategy(base)
    except (TypeError, ValueError) as exc:
        raise InvalidKnowledgeRequest(detail=str(exc)) from None


class DatasetInfo(msgspec.Struct):
    dataset_id: str
    name: str
    description: str
    space_id: str
    status: int  # 1 enabled, 3 disabled
    format_type: int
    can_edit: bool
    icon_uri: str
    icon_url: str
    avatar_url: str
    doc_count: int
    slice_count: int
    hit_count: int
    all_file_size: int
    bot_used_count: int
    file_list: list[str]
    processing_file_list: list[str]
    processing_file_id_list: list[str]
    failed_file_list: list[str]
    chunk_strategy: ChunkStrategy
    creator_id: str
    creator_name: str
    create_time: int
    update_time: int
    embedding_model_id: str
    project_id: str = ""

    @classmethod
    def of(cls, view: DatasetView) -> DatasetInfo:
        d, t = view.dataset, view.totals
        return cls(
            dataset_id=id_str(d.id),
            name=d.name,
            description=d.description,
            space_id=id_str(d.space_id),
            status=int(d.status),
            format_type=int(d.format),
            can_edit=view.can_edit,
            icon_uri=d.icon_uri,
            icon_url=d.icon_uri if d.icon_uri.startswith(("http://", "https://", "/")) else "",
            avatar_url="",
            doc_count=t.documents,
            slice_count=t.slices,
            hit_count=t.hits,
            all_file_size=t.bytes,
            bot_used_count=0,
            file_list=[],
            processing_file_list=[],
            processing_file_id_list=[id_str(i) for i in t.processing],
            failed_file_list=[id_str(i) for i in t.failed],
            chunk_strategy=ChunkStrategy.of(d.chunking),
            creator_id=id_str(d.creator_id),
            creator_name="",
            create_time=seconds(d.created_at),
            update_time=seconds(d.updated_at),
            embedding_model_id=id_str(d.embedding_model_id),
        )


class TableColumnInfo(msgspec.Struct):
    id: str
    column_name: str
    sequence: str
    column_type: int
    is_semantic: bool = True


_COLUMN_TYPES = {"string": 1, "integer": 2, "time": 3, "number": 4, "boolean": 5}


class DocumentInfo(msgspec.Struct):
    document_id: str
    name: str
    type: str
    size: int
    char_count: int
    slice_count: int
    hit_count: int
    status: int
    status_descript: str
    failure_reason: str  # cozeplus: the machine-readable reason when status is 9
    progress: int
    source_type: int
    format_type: int
    web_url: str
    chunk_strategy: ChunkStrategy
    table_meta: list[TableColumnInfo]
    caption: str
    space_id: str
    dataset_id: str
    creator_id: str
    create_time: int
    update_time: int
    update_type: int = 0
    update_interval: int = 0

    @classmethod
    def of(cls, d: Document, format_type: int) -> DocumentInfo:
        return cls(
            document_id=id_str(d.id),
            name=d.name,
            type=d.file_type,
            size=d.size,
            char_count=d.char_count,
            slice_count=d.slice_count,
            hit_count=d.hit_count,
            status=STATUS_CODES[d.status],
            status_descript="" if d.failure is None else d.failure.detail,
            failure_reason="" if d.failure is None else d.failure.reason.value,
            progress=d.progress.percent,
            source_type=int(d.source),
            format_type=format_type,
            web_url=d.url,
            chunk_strategy=ChunkStrategy.of(d.chunking),
            table_meta=[
                TableColumnInfo(str(i + 1), c.name, str(i), _COLUMN_TYPES.get(c.type.value, 0))
                for i, c in enumerate(d.columns)
            ],
            caption=d.caption,
            space_id=id_str(d.space_id),
            dataset_id=id_str(d.dataset_id),
            creator_id=id_str(d.creator_id),
            create_time=seconds(d.created_at),
            update_time=seconds(d.updated_at),
        )


class DocumentProgress(msgspec.Struct):
    document_id: str
    document_name: str
    progress: int
    status: int
    status_descript: str
    failure_reason: str
    size: int
    type: str
    url: str
    remaining_time: int
    slices_done: int
    slices_total: int
    update_type: int = 0
    update_interval: int = 0

    @classmethod
    def of(cls, d: Document) -> DocumentProgress:
        return cls(
            document_id=id_str(d.id),
            document_name=d.name,
            progress=d.progress.percent,
            status=STATUS_CODES[d.status],
            status_descript="" if d.failure is None else d.failure.detail,
            failure_reason="" if d.failure is None else d.failure.reason.value,
            size=d.size,
            type=d.file_type,
            url=d.url,
            remaining_time=0,
            slices_done=d.progress.slices_done,
            slices_total=d.progress.slices_total,
        )


def decoded(data: str) -> bytes:
    """A file sent as base64 in a JSON body."""
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidKnowledgeRequest(detail="file_base64 is not valid base64") from None
