"""From bytes to chunks, the same for the indexing job and the segmentation preview: fetch a web
page through the guarded client, parse in a worker thread, cut by the document's strategy."""

from __future__ import annotations

import asyncio

from domain.common.outbound import OutboundClient, OutboundFailed, OutboundRefused, OutboundRequest
from domain.knowledge.chunking import split
from domain.knowledge.parsed import (
    DocumentParser,
    FailureReason,
    ParsedImage,
    ParsedTable,
    ParsedText,
    ParseFailed,
    ParseLimits,
)
from domain.knowledge.sheets import row_text
from domain.knowledge.values import Chunk, ChunkingStrategy

WEB_TIMEOUT_S = 20.0


async def fetch_page(outbound: OutboundClient, url: str, limits: ParseLimits) -> bytes:
    """The page's bytes, or ParseFailed(FETCH_FAILED) saying why (a refused address included)."""
    try:
        response = await outbound.send(
            OutboundRequest(url, timeout_s=WEB_TIMEOUT_S, max_bytes=limits.max_bytes)
        )
    except (OutboundRefused, OutboundFailed) as refused:
        raise ParseFailed(FailureReason.FETCH_FAILED, str(refused)) from None
    if response.status >= 400:
        raise ParseFailed(FailureReason.FETCH_FAILED, f"the page answered HTTP {response.status}")
    return response.body


def table_chunks(table: ParsedTable) -> list[Chunk]:
    """One slice per row: "column: value" lines, empty cells left out; the cells go along."""
    chunks = []
    for row in table.rows:
        text = row_text(table.columns, row)
        if text:
            chunks.append(Chunk(text, row=row))
    return chunks


async def cut(
    parser: DocumentParser,
    data: bytes,
    file_type: str,
    chunking: ChunkingStrategy,
    limits: ParseLimits,
    *,
    caption: str = "",
) -> tuple[list[Chunk], ParsedText | ParsedTable | ParsedImage]:
    parsed = await asyncio.to_thread(parser.parse, data, file_type, limits)
    if isinstance(parsed, ParsedText):
        chunks = await asyncio.to_thread(split, parsed, chunking)
    elif isinstance(parsed, ParsedTable):
        chunks = table_chunks(parsed)
        if not chunks:
            raise ParseFailed(FailureReason.EMPTY, "the sheet has no rows with values")
    else:
        chunks = [Chunk(caption)] if caption.strip() else []
    if not chunks and not isinstance(parsed, ParsedImage):
        raise ParseFailed(FailureReason.EMPTY, "the document has no text")
    return chunks, parsed
