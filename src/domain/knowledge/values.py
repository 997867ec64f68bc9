"""Value objects of the knowledge context: how documents are cut into slices."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.common.errors import InvalidInput

MIN_CHUNK_SIZE = 50
MAX_CHUNK_SIZE = 5000
MAX_SEPARATOR = 32
MAX_DEPTH = 6


class InvalidChunking(InvalidInput):
    message_key = "knowledge.invalid_chunking"


class ChunkingMode(StrEnum):
    AUTO = "auto"  # paragraphs packed up to the default size, cut at sentence ends
    CUSTOM = "custom"  # the user's separator, size and overlap
    HIERARCHICAL = "hierarchical"  # one slice per heading section (split further when too long)


@dataclass(frozen=True, slots=True)
class ChunkingStrategy:
    """Sizes are characters (a CJK character or a latin letter counts one), so a strategy cuts
    the same way whatever tokenizer a model uses; Coze's `max_tokens` maps to `chunk_size`."""

    mode: ChunkingMode = ChunkingMode.AUTO
    chunk_size: int = 800
    separator: str = "\n\n"
    overlap: int = 0  # characters repeated from the end of one slice at the start of the next
    trim_spaces: bool = True  # runs of spaces/tabs become one, blank lines collapse
    strip_urls_emails: bool = False
    max_depth: int = 3  # hierarchical: headings deeper than this stay inside their parent's slice
    keep_headings: bool = True  # hierarchical: the heading path is written at the top of the slice

    def __post_init__(self) -> None:
        if not MIN_CHUNK_SIZE <= self.chunk_size <= MAX_CHUNK_SIZE:
            raise InvalidChunking(detail=f"chunk_size must be {MIN_CHUNK_SIZE}..{MAX_CHUNK_SIZE}")
        if not 0 <= self.overlap < self.chunk_size // 2 + 1:
            raise InvalidChunking(detail="overlap must be 0..half of chunk_size")
        if self.mode is ChunkingMode.CUSTOM and not 1 <= len(self.separator) <= MAX_SEPARATOR:
            raise InvalidChunking(detail=f"separator must be 1..{MAX_SEPARATOR} characters")
        if not 1 <= self.max_depth <= MAX_DEPTH:
            raise InvalidChunking(detail=f"max_depth must be 1..{MAX_DEPTH}")


@dataclass(frozen=True, slots=True)
class Chunk:
    """One slice's text as the chunker cut it, before it gets an id and a position."""

    text: str
    heading_path: tuple[str, ...] = ()
    page: int | None = None
    row: tuple[str | None, ...] | None = None  # a table row's cells, in its sheet's column order
    # Custom mode: how many leading characters of `text` repeat the end of the previous slice, so a
    # reader that stitches neighbouring slices (or a test of coverage) can drop them exactly.
    overlap: int = 0
