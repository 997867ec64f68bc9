"""Word segmentation shared by every full-text adapter, so both engines see the same words.

Neither SQLite's unicode61 tokenizer nor Elasticsearch's built-in analyzers split Chinese into words
(they give whole runs or single characters). We therefore pre-segment: a text field is indexed as
its words joined by single spaces (Chinese runs cut by jieba, everything else split at
non-letters/digits). The engines only lower-case and, for English fields, Porter-stem those words.
Query text goes through the same function, so a query is always a bag of words, never syntax.

Highlights are made by the engine on the word string and mapped back onto the original text:
word i of the indexed string is span i of `words()` over the original.
"""

from __future__ import annotations

import functools
import html
import logging
import re
from collections.abc import Iterator

import jieba

# Letters and digits form words; `_` and everything else separates (as in SQLite's unicode61).
_WORD = re.compile(r"[^\W_]+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")

MARK_OPEN = "<em>"  # engines mark words with these; words never contain "<", ">" or spaces
MARK_CLOSE = "</em>"


@functools.cache
def _jieba() -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()  # loads the dictionary shipped in the package (no download); has its own lock
    return jieba.dt


def warm_up() -> None:
    """Load the dictionary now (about a second) rather than on the first document."""
    _jieba()


def words(text: str) -> Iterator[tuple[int, int]]:
    """Spans (start, end) of the words of `text`, in order."""
    for match in _WORD.finditer(text):
        start, end = match.span()
        pos = start
        for cjk in _CJK.finditer(text, start, end):
            if cjk.start() > pos:
                yield pos, cjk.start()
            offset = cjk.start()
            for piece in _jieba().cut(cjk.group(), HMM=True):
                yield offset, offset + len(piece)
                offset += len(piece)
            pos = cjk.end()
        if pos < end:
            yield pos, end


def word_string(text: str) -> str:
    """The form a text field is indexed in: its words joined by single spaces."""
    return " ".join(text[s:e] for s, e in words(text))


def query_words(text: str) -> list[str]:
    """Distinct words of a query, in order; operators and punctuation are just separators or words."""
    seen: dict[str, None] = {}
    for s, e in words(text):
        seen.setdefault(text[s:e].lower(), None)
    return list(seen)


def marked_words(marked: str) -> list[bool]:
    """Which words an engine marked in a highlighted word string (marks may span several words)."""
    flags: list[bool] = []
    inside = False
    for piece in marked.split(" "):
        opened = piece.startswith(MARK_OPEN)
        closed = piece.endswith(MARK_CLOSE)
        flags.append(inside or opened)
        inside = (inside or opened) and not closed
    return flags


def highlight(original: str, marked: str, pre: str, post: str, *, escape: bool) -> str | None:
    """`original` with `pre`/`post` around the words the engine marked in `marked`.

    None when the engine marked nothing, or when the word string no longer lines up with the text
    (e.g. the segmentation dictionary changed since indexing): better no highlight than a wrong one.
    """
    flags = marked_words(marked)
    spans = list(words(original))
    if not any(flags) or len(flags) != len(spans):
        return None
    esc = html.escape if escape else (lambda s: s)
    out: list[str] = []
    pos = 0
    for (start, end), flag in zip(spans, flags, strict=True):
        if flag:
            out.append(esc(original[pos:start]))
            out.append(pre + esc(original[start:end]) + post)
            pos = end
    out.append(esc(original[pos:]))
    return "".join(out)
