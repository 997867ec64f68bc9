"""Properties of every split, on generated documents: no empty or oversized slice, and no text lost
(apart from spaces, the separator where a custom split cuts, and the overlap's repetition)."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.knowledge.chunking import split
from domain.knowledge.parsed import BlockKind, ParsedText, TextBlock
from domain.knowledge.values import Chunk, ChunkingMode, ChunkingStrategy

# Words, spaces and line breaks of every kind, stops and clause marks (latin and CJK), separators,
# a word longer than the smallest slice, and a long run of Chinese without punctuation.
TOKENS = [
    "alpha", "Beta", "gamma", "3.14", "e.g.", "a.b", "x" * 70, "中文", "知识库", "汉字" * 30,
    " ", "  ", "\t", "\n", "\n\n\n", "\r\n", "\u3000",
    ". ", "! ", "? ", ".", ", ", ": ", "\u3002", "\uff01", "\uff1f", "\uff1b", "\uff0c", "\u3001",
    "|", "--", "ab",
]  # fmt: skip
SEPARATORS = ["\n\n", "\n", "|", "--", "\u3002", " ", "ab"]

texts = st.lists(st.sampled_from(TOKENS), max_size=60).map("".join)
raw_blocks = st.lists(
    st.tuples(st.sampled_from(list(BlockKind)), texts, st.integers(1, 4), st.integers(1, 5)), max_size=25
)


def with_paths(raw: list[tuple[BlockKind, str, int, int]]) -> ParsedText:
    """Blocks with heading paths as a parser makes them: a heading replaces its level in the path."""
    path: tuple[str, ...] = ()
    blocks: list[TextBlock] = []
    for kind, text, level, page in raw:
        if kind is BlockKind.HEADING:
            title = text[:40]
            path = (*path[: level - 1], title)
            blocks.append(TextBlock(title, kind, path, len(path), page))
        else:
            blocks.append(TextBlock(text, kind, path, 0, page))
    return ParsedText(tuple(blocks))


@st.composite
def strategies(draw: st.DrawFn) -> ChunkingStrategy:
    size = draw(st.integers(50, 300))
    return ChunkingStrategy(
        mode=draw(st.sampled_from(list(ChunkingMode))),
        chunk_size=size,
        separator=draw(st.sampled_from(SEPARATORS)),
        overlap=draw(st.integers(0, size // 2)),
        trim_spaces=draw(st.booleans()),
        max_depth=draw(st.integers(1, 4)),
        keep_headings=draw(st.booleans()),
    )


def letters(text: str, drop: str = "") -> str:
    kept = "".join(text.split())
    return kept.translate({ord(c): None for c in drop}) if drop else kept


def is_subsequence(needle: str, hay: str) -> bool:
    it = iter(hay)
    return all(c in it for c in needle)


def check_slices(parsed: ParsedText, strategy: ChunkingStrategy, chunks: list[Chunk]) -> None:
    paths = {b.heading_path for b in parsed.blocks} | {()}
    pages = {b.page for b in parsed.blocks}
    for chunk in chunks:
        assert chunk.text.strip(), "an empty slice"
        assert chunk.text == chunk.text.strip()
        assert len(chunk.text) <= strategy.chunk_size
        assert chunk.heading_path in paths
        assert chunk.page in pages


def check_coverage(parsed: ParsedText, strategy: ChunkingStrategy, chunks: list[Chunk]) -> None:
    source = "".join(b.text for b in parsed.blocks)
    if strategy.mode is ChunkingMode.CUSTOM:
        for prev, chunk in pairwise(chunks):
            assert 0 <= chunk.overlap <= strategy.overlap
            assert prev.text.endswith(chunk.text[: chunk.overlap])
        fresh = "".join(c.text[c.overlap :] for c in chunks)
        # Separators are dropped where a slice is cut; compare without their characters.
        assert letters(fresh, strategy.separator) == letters(source, strategy.separator)
        return
    assert all(c.overlap == 0 for c in chunks)
    joined = "".join(c.text for c in chunks)
    if strategy.mode is ChunkingMode.HIERARCHICAL and strategy.keep_headings:
        # Heading paths are written on top of slices (and repeated): the text is all there, in order.
        assert is_subsequence(letters(source), letters(joined))
    else:
        assert letters(joined) == letters(source)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=raw_blocks, strategy=strategies())
def test_every_split_keeps_all_text_in_non_empty_slices_within_the_size(
    raw: list[tuple[BlockKind, str, int, int]], strategy: ChunkingStrategy
) -> None:
    parsed = with_paths(raw)
    chunks = split(parsed, strategy)
    check_slices(parsed, strategy, chunks)
    check_coverage(parsed, strategy, chunks)
    assert split(parsed, strategy) == chunks  # deterministic


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=600), size=st.integers(50, 120), mode=st.sampled_from(list(ChunkingMode)))
def test_any_unicode_text_is_covered(text: str, size: int, mode: ChunkingMode) -> None:
    parsed = ParsedText((TextBlock(text),))
    strategy = ChunkingStrategy(mode=mode, chunk_size=size, separator="\n", overlap=size // 4)
    chunks = split(parsed, strategy)
    check_slices(parsed, strategy, chunks)
    check_coverage(parsed, strategy, chunks)
