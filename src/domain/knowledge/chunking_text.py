"""The document as one string the chunker cuts, and where a span that is too long is cut.

Block texts (cleaned and stripped) are joined by a blank line; a chunk is then a span `[start, end)`
of that string, so packing, cutting and overlap are index arithmetic and slicing, linear in the
document's length. Every "last boundary before the limit" search is one C-level regex match.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass

from domain.knowledge.chunking_clean import clean
from domain.knowledge.parsed import BlockKind, ParsedText, TextBlock
from domain.knowledge.values import ChunkingStrategy

BLOCK_JOIN = "\n\n"

# Ideographs, kana, hangul, CJK symbols and full-width forms: every character boundary next to one
# is a word boundary, as Chinese and Japanese are written without spaces.
_CJK = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\U00020000-\U0002fa1f"
_CLOSERS = "\"'\u201d\u2019)\\]\u300d\u300f\uff09"  # closing quotes and brackets stay with the stop
# A latin . ! ? ... before a space or a CJK character ("3.14" and "a.b" are not ends); a CJK
# full stop, exclamation, question mark or semicolon anywhere.
_SENTENCE_END = rf"[.!?\u2026][{_CLOSERS}]*(?=[\s{_CJK}])|[\u3002\uff01\uff1f\uff1b][{_CLOSERS}]*"
_CLAUSE_END = r"[,;:](?=\s)|[\uff0c\u3001\uff1a]"  # latin , ; : before a space; CJK comma, 、 and colon

# `(?s:.*)` runs to the window's end and backs off one character at a time: the last match, in C.
_LAST_BLANK_LINE = re.compile(r"(?s:.*)(\n[^\S\n]*\n)")
_LAST_SENTENCE_END = re.compile(rf"(?s:.*)({_SENTENCE_END})")
_LAST_CLAUSE_END = re.compile(rf"(?s:.*)({_CLAUSE_END})")
_LAST_WORD_BREAK = re.compile(rf"(?s:.*)(?:(\s)|([{_CJK}]))")
_SENTENCE_ENDS = re.compile(_SENTENCE_END)
_WORD_BREAK = re.compile(rf"(\s)|[{_CJK}]")
_CJK_CHAR = re.compile(rf"[{_CJK}]")
_NON_SPACE = re.compile(r"\S")
# Any character some level cuts at: a window without one (a giant word) is cut hard after one scan.
_ANY_BOUNDARY = re.compile(rf"[\s.!?,;:\u2026\u3002\uff01\uff1f\uff1b\uff0c\u3001\uff1a{_CJK}]")

# A level finds a cut in [lo, hi] (the piece is text[a:cut]) or None; `lo` is past the piece's
# minimum length, `hi` the longest piece's end.
_Level = Callable[[str, int, int], int | None]


def _blank_line(text: str, lo: int, hi: int) -> int | None:
    m = _LAST_BLANK_LINE.match(text, lo, hi + 1)
    return m.start(1) if m else None


def _sentence_end(text: str, lo: int, hi: int) -> int | None:
    m = _LAST_SENTENCE_END.match(text, lo, hi)
    return m.end(1) if m else None


def _newline(text: str, lo: int, hi: int) -> int | None:
    i = text.rfind("\n", lo, hi + 1)
    return i if i >= 0 else None


def _clause_end(text: str, lo: int, hi: int) -> int | None:
    m = _LAST_CLAUSE_END.match(text, lo, hi)
    return m.end(1) if m else None


def _word_break(text: str, lo: int, hi: int) -> int | None:
    m = _LAST_WORD_BREAK.match(text, lo, hi + 1)
    if m is None:
        return None
    if m.group(1) is not None:
        return m.start(1)
    cjk = m.start(2)
    return cjk + 1 if cjk < hi else cjk


# Boundaries by preference, each with the shortest piece it may leave (a fraction of the limit):
# a sentence end at 5% of the window would leave a sliver, a space never has anything better after it.
_PROSE: tuple[tuple[_Level, float], ...] = (
    (_blank_line, 0.0),
    (_sentence_end, 0.2),
    (_newline, 0.2),
    (_clause_end, 0.5),
    (_word_break, 0.0),
)
_LEVELS: dict[BlockKind, tuple[tuple[_Level, float], ...]] = {
    BlockKind.PARAGRAPH: _PROSE,
    BlockKind.HEADING: _PROSE,
    BlockKind.LIST: (  # one item a line: line ends before sentence ends
        (_blank_line, 0.0),
        (_newline, 0.2),
        (_sentence_end, 0.2),
        (_clause_end, 0.5),
        (_word_break, 0.0),
    ),
    BlockKind.TABLE: ((_newline, 0.0), (_word_break, 0.0)),  # whole rows, greedily
    BlockKind.CODE: ((_blank_line, 0.2), (_newline, 0.0), (_word_break, 0.0)),
}


def skip_space(text: str, i: int, end: int) -> int:
    """The first non-space position in [i, end), or `end`."""
    if i < end and not text[i].isspace():
        return i
    m = _NON_SPACE.search(text, i, end)
    return m.start() if m else end


@dataclass(frozen=True, slots=True)
class DocumentText:
    text: str
    blocks: tuple[TextBlock, ...]  # the blocks that kept any text after cleaning, in order
    starts: tuple[int, ...]  # each block's span in `text`, stripped
    ends: tuple[int, ...]

    @classmethod
    def build(cls, parsed: ParsedText, strategy: ChunkingStrategy, keep: str = "") -> DocumentText:
        parts: list[str] = []
        blocks: list[TextBlock] = []
        starts: list[int] = []
        ends: list[int] = []
        offset = 0
        for block in parsed.blocks:
            text = clean(block.text, block.kind, strategy, keep).strip()
            if not text:
                continue
            if parts:
                offset += len(BLOCK_JOIN)
            starts.append(offset)
            offset += len(text)
            ends.append(offset)
            parts.append(text)
            blocks.append(block)
        return cls(BLOCK_JOIN.join(parts), tuple(blocks), tuple(starts), tuple(ends))

    def block_at(self, pos: int) -> TextBlock:
        return self.blocks[max(bisect_right(self.starts, pos) - 1, 0)]

    def cut(self, start: int, end: int, first: int, limit: int) -> list[tuple[int, int]]:
        """`[start, end)` (stripped, longer than `first`) as pieces of at most `first`, then `limit`
        characters, cut at the best boundary near each limit; the spaces at a cut belong to neither."""
        text = self.text
        pieces: list[tuple[int, int]] = []
        pos, budget = start, first
        while end - pos > budget:
            cut = self._cut_point(pos, pos + budget)
            pieces.append((pos, pos + len(text[pos:cut].rstrip())))
            pos = skip_space(text, cut, end)
            budget = limit
        pieces.append((pos, end))
        return pieces

    def _cut_point(self, a: int, b: int) -> int:
        """Where to end the piece that starts at `a` (a non-space) and may reach `b`: after the last
        whole block in the window, else at the best boundary of the block the window lies in."""
        i = bisect_right(self.starts, b) - 1
        if self.ends[i] <= b:
            return self.ends[i]
        if self.starts[i] > a:
            return self.ends[i - 1]
        if _ANY_BOUNDARY.search(self.text, a + 1, b + 1) is None:
            return b
        for level, fraction in _LEVELS.get(self.blocks[i].kind, _PROSE):
            cut = level(self.text, a + (int((b - a) * fraction) or 1), b)
            if cut is not None:
                return cut
        return b  # one word longer than the limit (or no boundary at all): a hard cut


def _is_word_start(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    return before.isspace() or bool(_CJK_CHAR.match(before)) or bool(_CJK_CHAR.match(text, i))


def overlap_start(text: str, lo: int, hi: int) -> int:
    """Where the overlap copied from `text[lo:hi]` (the end of the previous chunk) starts: at the
    first sentence start when that keeps at least a third of it, else at the first word start, else
    at `lo` (one word longer than the overlap). `hi` when nothing but spaces is left."""
    first = skip_space(text, lo, hi)
    if first >= hi:
        return hi
    for m in _SENTENCE_ENDS.finditer(text, max(lo - 2, 0), hi):
        start = skip_space(text, m.end(), hi)
        if start < first:
            continue
        if start < hi and 3 * (hi - start) >= hi - first:
            return start
        break
    if _is_word_start(text, first):
        return first
    word = _WORD_BREAK.search(text, first, hi)
    if word is not None:
        start = skip_space(text, word.start(), hi) if word.group(1) is not None else word.start()
        if start < hi:
            return start
    return first
