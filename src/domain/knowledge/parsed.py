"""What a parser makes of a file: text blocks with their heading path, a table, or an image.

Parsers live in infra (they use pypdf, python-docx, openpyxl, ...); the chunker and the indexing job
read only these shapes. A file that cannot be read fails its own document with a `ParseFailed`
naming the reason; nothing else is touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Protocol

from domain.common.errors import DomainError


class FormatType(IntEnum):
    """A knowledge base's kind, as Coze numbers them."""

    TEXT = 0
    TABLE = 1
    IMAGE = 2


class BlockKind(StrEnum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST = "list"
    TABLE = "table"  # a table inside a text document, rendered as text rows
    CODE = "code"


@dataclass(frozen=True, slots=True)
class TextBlock:
    """One piece of running text. `heading_path` is the chain of headings above it (outermost
    first); a heading block's own path ends with itself and `level` is its depth (1 = top)."""

    text: str
    kind: BlockKind = BlockKind.PARAGRAPH
    heading_path: tuple[str, ...] = ()
    level: int = 0
    page: int | None = None  # 1-based, for paged formats


@dataclass(frozen=True, slots=True)
class ParsedText:
    blocks: tuple[TextBlock, ...]
    pages: int | None = None


class ColumnType(StrEnum):
    STRING = "string"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    TIME = "time"


@dataclass(frozen=True, slots=True)
class TableColumn:
    name: str
    type: ColumnType = ColumnType.STRING


@dataclass(frozen=True, slots=True)
class ParsedTable:
    """A sheet: named columns (from the header row) and rows of cell texts (None = empty cell).
    Rows that are empty in every cell are dropped by the parser, never counted or stored."""

    columns: tuple[TableColumn, ...]
    rows: tuple[tuple[str | None, ...], ...]
    sheet: str = ""


@dataclass(frozen=True, slots=True)
class ParsedImage:
    width: int
    height: int
    format: str  # "jpeg" | "png"


ParsedDocument = ParsedText | ParsedTable | ParsedImage


class FailureReason(StrEnum):
    UNSUPPORTED_TYPE = "unsupported_type"
    MISLABELLED = "mislabelled"  # the bytes are not what the name or declared type says
    BROKEN = "broken"
    ENCRYPTED = "encrypted"
    EMPTY = "empty"
    TOO_LARGE = "too_large"  # bytes, expanded bytes (zip bombs), pixels or text length
    TOO_MANY_PAGES = "too_many_pages"
    TOO_MANY_ROWS = "too_many_rows"
    TOO_MANY_COLUMNS = "too_many_columns"
    FETCH_FAILED = "fetch_failed"  # a web page could not be fetched (refused address, status, ...)
    INDEXING_FAILED = "indexing_failed"  # embedding or the stores kept failing after retries


class ParseFailed(DomainError):
    """This document cannot be read; `reason` is machine-readable, `detail` says it to a person."""

    message_key = "knowledge.parse_failed"

    def __init__(self, reason: FailureReason, detail: str) -> None:
        super().__init__(reason=reason.value, detail=detail)
        self.reason, self.detail = reason, detail

    def __str__(self) -> str:
        return f"{self.reason.value}: {self.detail}"


@dataclass(frozen=True, slots=True)
class ParseLimits:
    max_bytes: int = 100 * 1024 * 1024
    max_expanded_bytes: int = 512 * 1024 * 1024  # inside docx/xlsx zips
    max_expansion_ratio: int = 200  # expanded / compressed, per zip member
    max_pages: int = 2000
    max_rows: int = 100_000
    max_columns: int = 256
    max_text_chars: int = 50_000_000
    max_image_pixels: int = 64_000_000


class DocumentParser(Protocol):
    def parse(self, data: bytes, file_type: str, limits: ParseLimits) -> ParsedDocument:
        """Read `data` as `file_type` (an extension: pdf, docx, md, txt, html, csv, xlsx, json, jpg,
        jpeg, png). Blocking and CPU-bound: callers run it in a worker thread.

        Raises ParseFailed, never anything else for bad input."""
        ...


class ImageFitter(Protocol):
    def fit(self, data: bytes, file_type: str, max_side: int, max_pixels: int) -> bytes:
        """The image (jpg, jpeg or png) as JPEG bytes whose longer side is at most `max_side`
        pixels, never enlarged; transparency is laid on white. Blocking: run it in a worker thread.

        Raises ParseFailed for bytes that are not such an image or have more than `max_pixels`."""
        ...
