"""The chunker: a parsed text document cut into slices by a `ChunkingStrategy`.

- AUTO packs blocks into slices of at most `chunk_size` characters; a heading starts a new slice
  and is never left alone at the end of one; a block that is too long is cut at blank lines,
  sentence ends, line ends, clause ends, then spaces or CJK characters (never inside a latin word
  when a space is in reach), tables and code at line ends.
- CUSTOM splits on the user's separator (a literal string, dropped where a slice is cut, kept inside
  a slice that packs several pieces) and packs the pieces with `overlap` characters of the previous
  slice repeated at the start of the next.
- HIERARCHICAL makes one slice per heading section down to `max_depth`, its heading path written
  on its first line as "A > B > C" (`keep_headings`), split as in AUTO when it is too long.

Slices are spans of the cleaned document text (see chunking_text), so nothing is lost but the
spaces at a cut, the separators at a cut, and what cleaning removes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from domain.knowledge.chunking_clean import clean, normalise_newlines
from domain.knowledge.chunking_text import DocumentText, overlap_start, skip_space
from domain.knowledge.parsed import BlockKind, ParsedText, TextBlock
from domain.knowledge.values import Chunk, ChunkingMode, ChunkingStrategy

HEADING_SEPARATOR = " > "
ELLIPSIS = "\u2026"


def split(parsed: ParsedText, strategy: ChunkingStrategy) -> list[Chunk]:
    """The document's slices in reading order; never an empty one. Pure and CPU-bound, linear in
    the text's length (10 MB: about a second, docs/adr/0051): callers run it in a worker thread."""
    if strategy.mode is ChunkingMode.CUSTOM:
        separator = normalise_newlines(strategy.separator)  # as the text's own line ends are
        return _custom(DocumentText.build(parsed, strategy, keep=separator), strategy, separator)
    doc = DocumentText.build(parsed, strategy)
    if strategy.mode is ChunkingMode.HIERARCHICAL:
        return _hierarchical(doc, strategy)
    return [_chunk(doc, a, b) for a, b in pack(doc, 0, len(doc.blocks), strategy.chunk_size)]


def pack(doc: DocumentText, lo: int, hi: int, limit: int) -> list[tuple[int, int]]:
    """AUTO: blocks lo..hi-1 as spans of at most `limit` characters. Blocks join the open span while
    they fit; a heading closes a span that has content; headings with nothing after them yet stay
    open, and a long block after them gives its first piece to them (unless they fill half)."""
    spans: list[tuple[int, int]] = []
    start = end = -1  # the open span; -1 when there is none
    headings_only = False
    for i in range(lo, hi):
        bs, be = doc.starts[i], doc.ends[i]
        heading = doc.blocks[i].kind is BlockKind.HEADING
        if start >= 0 and be - start <= limit and (headings_only or not heading):
            end, headings_only = be, headings_only and heading
            continue
        if start >= 0 and (not headings_only or heading or bs - start > limit // 2):
            spans.append((start, end))
            start = -1
        if start < 0 and be - bs <= limit:
            start, end, headings_only = bs, be, heading
            continue
        pieces = doc.cut(bs, be, limit if start < 0 else limit - (bs - start), limit)
        if start >= 0:
            pieces[0] = (start, pieces[0][1])
        spans.extend(pieces[:-1])
        (start, end), headings_only = pieces[-1], heading
    if start >= 0:
        spans.append((start, end))
    return spans


def _chunk(
    doc: DocumentText,
    start: int,
    end: int,
    *,
    anchor: int | None = None,
    header: str = "",
    path: tuple[str, ...] | None = None,
    overlap: int = 0,
) -> Chunk:
    """A slice of `doc.text[start:end]`; its heading path and page are those of the block at
    `anchor` (its first new character; `start` unless it begins with an overlap)."""
    block = doc.block_at(start if anchor is None else anchor)
    text = doc.text[start:end]
    return Chunk(
        text=f"{header}\n\n{text}" if header else text,
        heading_path=block.heading_path if path is None else path,
        page=block.page,
        overlap=overlap,
    )


# --- custom ---------------------------------------------------------------------------------------


def _custom(doc: DocumentText, strategy: ChunkingStrategy, separator: str) -> list[Chunk]:
    size, overlap = strategy.chunk_size, strategy.overlap
    chunks: list[Chunk] = []
    start = end = fresh = -1  # the open span, and where its new (not repeated) text starts
    repeated = 0
    for a, b in _pieces(doc, separator, size - overlap):
        if start >= 0 and b - start <= size:
            end = b
            continue
        if start >= 0:
            chunks.append(_chunk(doc, start, end, anchor=fresh, overlap=repeated))
            # The overlap may shrink so that it and the next piece fit in one slice.
            o = overlap_start(doc.text, max(end - overlap, b - size, start), end) if overlap else end
            start, repeated = (o, end - o) if o < end else (a, 0)
        else:
            start = a
        fresh, end = a, b
    if start >= 0:
        chunks.append(_chunk(doc, start, end, anchor=fresh, overlap=repeated))
    return chunks


def _pieces(doc: DocumentText, separator: str, limit: int) -> Iterator[tuple[int, int]]:
    """The stripped, non-empty spans between separators; those over `limit` cut as in AUTO (leaving
    room for the overlap)."""
    text, pos = doc.text, 0
    while True:
        found = text.find(separator, pos)
        stop = len(text) if found < 0 else found
        a = skip_space(text, pos, stop)
        b = a + len(text[a:stop].rstrip())
        if a < b:
            yield from doc.cut(a, b, limit, limit) if b - a > limit else ((a, b),)
        if found < 0:
            return
        pos = found + len(separator)


# --- hierarchical ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Section:
    lo: int  # its blocks, lo..hi-1
    hi: int
    path: tuple[str, ...]  # () for the text before the first heading
    titled: bool  # block lo is the section's own heading


def _depth(block: TextBlock) -> int:
    return block.level or len(block.heading_path) or 1


def _sections(doc: DocumentText, max_depth: int) -> list[_Section]:
    count = len(doc.blocks)
    heads = [i for i, b in enumerate(doc.blocks) if b.kind is BlockKind.HEADING and _depth(b) <= max_depth]
    bounds = [*heads, count]
    sections = [
        _Section(i, hi, doc.blocks[i].heading_path or (doc.text[doc.starts[i] : doc.ends[i]],), True)
        for i, hi in zip(heads, bounds[1:], strict=True)
    ]
    first = heads[0] if heads else count
    if first > 0:  # the text before the first heading
        sections.insert(0, _Section(0, first, (), False))
    return sections


def _title(text: str, strategy: ChunkingStrategy) -> str:
    """A heading as its block's text reads after cleaning."""
    return clean(text, BlockKind.HEADING, strategy).strip()


def _header(path: tuple[str, ...], strategy: ChunkingStrategy) -> tuple[str, bool]:
    """The heading path as the slice's first line, and whether it is whole: a path longer than half
    a slice keeps its innermost part behind an ellipsis."""
    if not (strategy.keep_headings and path):
        return "", False
    titles = (_title(p, strategy).replace("\n", " ") for p in path)
    line = HEADING_SEPARATOR.join(t for t in titles if t)
    cap = strategy.chunk_size // 2
    if len(line) <= cap:
        return line, bool(line)
    return ELLIPSIS + line[len(line) - cap + 1 :].lstrip(), False


def _hierarchical(doc: DocumentText, strategy: ChunkingStrategy) -> list[Chunk]:
    sections = _sections(doc, strategy.max_depth)
    headers = [_header(s.path, strategy) for s in sections]
    chunks: list[Chunk] = []
    for n, section in enumerate(sections):
        header, whole = headers[n]
        lo = section.lo
        own_title = doc.text[doc.starts[lo] : doc.ends[lo]]
        if section.titled and whole and own_title == _title(section.path[-1], strategy):
            lo += 1  # the heading is the header's last part; not written twice
        if lo == section.hi:
            if not _named_by_next(sections, headers, n):
                page = doc.blocks[section.lo].page
                chunks.append(Chunk(text=header, heading_path=section.path, page=page))
            continue
        limit = strategy.chunk_size - (len(header) + 2 if header else 0)
        start, end = doc.starts[lo], doc.ends[section.hi - 1]
        spans = [(start, end)] if end - start <= limit else pack(doc, lo, section.hi, limit)
        chunks.extend(_chunk(doc, a, b, header=header, path=section.path) for a, b in spans)
    return chunks


def _named_by_next(sections: list[_Section], headers: list[tuple[str, bool]], n: int) -> bool:
    """A heading with no text of its own needs no slice when the next section is inside it and
    writes the whole path (so the heading is there)."""
    if n + 1 >= len(sections) or not headers[n + 1][1]:
        return False
    path, inner = sections[n].path, sections[n + 1].path
    return len(inner) > len(path) and inner[: len(path)] == path
