"""The chunker: each mode on English and Chinese text, heading paths and pages, overlap boundaries,
cleaning, tables, edge cases, and the property that no text is lost."""

from __future__ import annotations

from itertools import pairwise

import pytest

from domain.knowledge.chunking import split
from domain.knowledge.chunking_clean import collapse_spaces, remove_urls_emails
from domain.knowledge.parsed import BlockKind, ParsedText, TextBlock
from domain.knowledge.values import Chunk, ChunkingMode, ChunkingStrategy, InvalidChunking

AUTO, CUSTOM, HIER = ChunkingMode.AUTO, ChunkingMode.CUSTOM, ChunkingMode.HIERARCHICAL


def para(text: str, path: tuple[str, ...] = (), page: int | None = None) -> TextBlock:
    return TextBlock(text, BlockKind.PARAGRAPH, path, 0, page)


def heading(path: tuple[str, ...], page: int | None = None) -> TextBlock:
    return TextBlock(path[-1], BlockKind.HEADING, path, len(path), page)


def doc(*blocks: TextBlock | str) -> ParsedText:
    return ParsedText(tuple(para(b) if isinstance(b, str) else b for b in blocks))


def texts(chunks: list[Chunk]) -> list[str]:
    return [c.text for c in chunks]


def letters(text: str) -> str:
    return "".join(text.split())


ENGLISH = [
    "The knowledge base stores documents as slices.",
    "Each slice is embedded and indexed for retrieval!",
    "Why would a slice end in the middle of a sentence?",
    "It should not, when a sentence end is within reach.",
    "Long sentences are cut at spaces instead.",
]
CHINESE = [
    "知识库把文档切成分片。",
    "每个分片都会被向量化！",  # noqa: RUF001
    "检索时按相似度排序？",  # noqa: RUF001
    "分片不应在句中断开；",  # noqa: RUF001
    "长句在逗号处断开。",
]


# --- auto ------------------------------------------------------------------------------------------


def test_auto_packs_small_paragraphs_into_one_slice_joined_by_a_blank_line() -> None:
    chunks = split(doc("First paragraph.", "Second paragraph.", "第三段。"), ChunkingStrategy())
    assert texts(chunks) == ["First paragraph.\n\nSecond paragraph.\n\n第三段。"]


def test_auto_packs_whole_paragraphs_up_to_the_size() -> None:
    paragraphs = [f"Paragraph number {i} has some words." for i in range(20)]
    chunks = split(doc(*paragraphs), ChunkingStrategy(chunk_size=100))
    assert all(len(c.text) <= 100 for c in chunks)
    assert [p for c in chunks for p in c.text.split("\n\n")] == paragraphs  # none was cut
    assert all(len(a.text) + 2 + len(paragraphs[0]) > 100 for a in chunks[:-1])  # greedily full


def test_auto_cuts_a_long_english_paragraph_at_sentence_ends() -> None:
    chunks = split(doc(" ".join(ENGLISH * 4)), ChunkingStrategy(chunk_size=120))
    assert len(chunks) > 5
    for c in chunks:
        assert len(c.text) <= 120
        assert c.text[-1] in ".!?"
        assert c.text[0].isupper()
    assert " ".join(texts(chunks)) == " ".join(ENGLISH * 4)


def test_auto_cuts_a_long_chinese_paragraph_at_chinese_sentence_ends() -> None:
    text = "".join(CHINESE * 6)
    chunks = split(doc(text), ChunkingStrategy(chunk_size=50))
    assert all(len(c.text) <= 50 and c.text[-1] in "。！？；" for c in chunks)  # noqa: RUF001
    assert "".join(texts(chunks)) == text


def test_auto_cuts_a_sentence_without_stops_at_spaces_never_inside_a_word() -> None:
    words = [f"w{i:03d}" + "x" * (i % 7) for i in range(200)]
    chunks = split(doc(" ".join(words)), ChunkingStrategy(chunk_size=60))
    assert all(len(c.text) <= 60 for c in chunks)
    assert [w for c in chunks for w in c.text.split(" ")] == words


def test_auto_prefers_line_ends_then_clause_ends_when_no_sentence_ends() -> None:
    lines = "\n".join(f"line {i} without a stop" for i in range(10))
    chunks = split(doc(lines), ChunkingStrategy(chunk_size=60))
    assert [line for c in chunks for line in c.text.split("\n")] == lines.split("\n")
    clauses = "，".join(["这是一个没有句号的很长的从句"] * 10)
    chunks = split(doc(clauses), ChunkingStrategy(chunk_size=50))
    assert all(c.text.endswith("，") for c in chunks[:-1])


def test_chinese_without_any_punctuation_is_cut_at_the_size() -> None:
    text = "汉字" * 130
    chunks = split(doc(text), ChunkingStrategy(chunk_size=50))
    assert [len(c.text) for c in chunks] == [50] * 5 + [10]
    mixed = "中文Python" * 30  # a latin word inside Chinese is not cut when a CJK boundary is in reach
    chunks = split(doc(mixed), ChunkingStrategy(chunk_size=50))
    assert all(c.text.endswith("文") for c in chunks[:-1])
    assert "".join(texts(chunks)) == mixed


def test_one_giant_word_is_cut_hard_at_the_size() -> None:
    chunks = split(doc("x" * 1234), ChunkingStrategy(chunk_size=100))
    assert [len(c.text) for c in chunks] == [100] * 12 + [34]


def test_a_heading_starts_a_new_slice_and_stays_with_its_text() -> None:
    parsed = doc(
        heading(("Intro",), page=1),
        para("Short intro.", ("Intro",), page=1),
        heading(("Intro", "Details"), page=2),
        para("Details text.", ("Intro", "Details"), page=2),
    )
    chunks = split(parsed, ChunkingStrategy())
    assert texts(chunks) == ["Intro\n\nShort intro.", "Details\n\nDetails text."]
    assert [c.heading_path for c in chunks] == [("Intro",), ("Intro", "Details")]
    assert [c.page for c in chunks] == [1, 2]


def test_headings_in_a_row_stay_together_with_the_text_after_them() -> None:
    parsed = doc(heading(("A",)), heading(("A", "B")), para("Body.", ("A", "B")))
    chunks = split(parsed, ChunkingStrategy())
    assert texts(chunks) == ["A\n\nB\n\nBody."]
    assert chunks[0].heading_path == ("A",)  # the first block's


def test_a_heading_is_never_left_alone_before_a_long_paragraph() -> None:
    body = " ".join(ENGLISH * 3)
    chunks = split(
        doc("Intro text.", heading(("Title",)), para(body, ("Title",))), ChunkingStrategy(chunk_size=100)
    )
    assert chunks[0].text == "Intro text."
    assert chunks[1].text.startswith("Title\n\nThe knowledge base")
    assert all(c.text != "Title" for c in chunks)
    assert all(c.heading_path == ("Title",) for c in chunks[1:])
    assert all(len(c.text) <= 100 for c in chunks)


def test_a_heading_at_the_very_end_is_kept() -> None:
    chunks = split(doc("Body.", heading(("Appendix",))), ChunkingStrategy())
    assert texts(chunks) == ["Body.", "Appendix"]


def test_each_slice_carries_the_page_of_its_first_block() -> None:
    blocks = [
        para(f"Page {p} paragraph {i} with several words in it.", page=p) for p in (1, 2, 3) for i in range(3)
    ]
    chunks = split(ParsedText(tuple(blocks)), ChunkingStrategy(chunk_size=100))
    for c in chunks:
        assert c.page == int(c.text.split()[1])


def test_a_table_that_fits_is_kept_whole_and_a_long_one_is_cut_at_rows() -> None:
    rows = [f"| row {i} | value. {i * 7} | note, {i} |" for i in range(30)]
    small = TextBlock("\n".join(rows[:2]), BlockKind.TABLE)
    assert texts(split(doc("Before.", small, "After."), ChunkingStrategy())) == [
        "Before.\n\n" + small.text + "\n\nAfter."
    ]
    chunks = split(doc(TextBlock("\n".join(rows), BlockKind.TABLE)), ChunkingStrategy(chunk_size=120))
    assert len(chunks) > 5
    assert [line for c in chunks for line in c.text.split("\n")] == rows


def test_a_table_row_longer_than_the_size_is_cut_at_spaces() -> None:
    row = " | ".join(f"cell{i}" for i in range(40))
    chunks = split(doc(TextBlock(f"short | row\n{row}", BlockKind.TABLE)), ChunkingStrategy(chunk_size=60))
    assert chunks[0].text == "short | row"
    assert " ".join(texts(chunks[1:])) == row


def test_only_whitespace_or_nothing_gives_no_slice() -> None:
    assert split(ParsedText(()), ChunkingStrategy()) == []
    for mode in ChunkingMode:
        assert split(doc(" \n\t ", "\n\n", "\u3000"), ChunkingStrategy(mode=mode)) == []


def test_chunk_size_is_between_50_and_5000_and_50_works() -> None:
    with pytest.raises(InvalidChunking):
        ChunkingStrategy(chunk_size=49)
    with pytest.raises(InvalidChunking):
        ChunkingStrategy(chunk_size=5001)
    chunks = split(doc(" ".join(ENGLISH)), ChunkingStrategy(chunk_size=50))
    assert all(0 < len(c.text) <= 50 for c in chunks)
    assert " ".join(texts(chunks)) == " ".join(ENGLISH)


# --- cleaning --------------------------------------------------------------------------------------


def test_trim_spaces_collapses_spaces_and_blank_lines_and_strips() -> None:
    parsed = doc("  a   b\t\tc \n d\n\n\n\n\ne\u3000\u3000f  ")
    assert texts(split(parsed, ChunkingStrategy())) == ["a b c\nd\n\ne f"]
    kept = split(parsed, ChunkingStrategy(trim_spaces=False))
    assert texts(kept) == ["a   b\t\tc \n d\n\n\n\n\ne\u3000\u3000f"]  # still stripped at the ends


def test_trim_spaces_keeps_the_indentation_of_code() -> None:
    code = "def f(x):\n    if x:   \n        return 1\n\n\n\n    return 2"
    chunks = split(doc(TextBlock(code, BlockKind.CODE)), ChunkingStrategy())
    assert chunks[0].text == "def f(x):\n    if x:\n        return 1\n\n    return 2"
    assert collapse_spaces("a  \t b\n\n\nc") == "a b\n\nc"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("See https://example.com/a/b?x=1&y=2#top for more.", "See  for more."),
        ("At the end: http://example.org/path.", "At the end: ."),
        ("A wiki link https://en.wikipedia.org/wiki/Foo_(bar), then", "A wiki link , then"),
        ("(see https://x.org/a) and <https://y.org/b>", "(see ) and <>"),
        ("ftp://files.example.net/pub/file.tar.gz and www.example.com/page", " and "),
        ("HTTPS://EXAMPLE.COM/UP and WWW.Example.org", " and "),
        ("Write to someone.name+tag@mail.example.co.uk, or mailto:a@b.io.", "Write to , or ."),
        ("访问https://example.com/文档获取，或写信给张三zhang@example.cn。", "访问文档获取，或写信给张三。"),
        ("e.g. a.b and i.e. 3.14, v1.2.3, node.js", "e.g. a.b and i.e. 3.14, v1.2.3, node.js"),
        ("user@localhost and @handle and a@b", "user@localhost and @handle and a@b"),
        ("https:// alone", "https:// alone"),
    ],
)
def test_remove_urls_emails(raw: str, clean: str) -> None:
    assert remove_urls_emails(raw) == clean


def test_strip_urls_emails_in_a_split_and_spaces_are_trimmed_after() -> None:
    parsed = doc("Contact   me@example.com or visit https://example.com today, e.g. now.")
    chunks = split(parsed, ChunkingStrategy(strip_urls_emails=True))
    assert texts(chunks) == ["Contact or visit today, e.g. now."]
    assert split(doc("https://example.com"), ChunkingStrategy(strip_urls_emails=True)) == []
    untouched = split(parsed, ChunkingStrategy())
    assert "me@example.com" in untouched[0].text


# --- custom ----------------------------------------------------------------------------------------


def custom(separator: str, size: int = 100, overlap: int = 0, **kw: bool) -> ChunkingStrategy:
    return ChunkingStrategy(mode=CUSTOM, separator=separator, chunk_size=size, overlap=overlap, **kw)


def test_custom_splits_on_a_literal_separator_not_a_regex() -> None:
    text = "a.b|c.d|" + "x" * 60 + "|tail"
    assert texts(split(doc(text), custom("|", size=50))) == ["a.b|c.d", "x" * 50, "x" * 10 + "|tail"]
    chunks = split(doc("one.*two.*" + "z" * 45), custom(".*", size=50))
    assert texts(chunks) == ["one.*two", "z" * 45]
    chunks = split(doc("left\\nright"), custom("\\n", size=50))  # a backslash and an n, as given
    assert texts(chunks) == ["left\\nright"]


def test_custom_drops_the_separator_at_cuts_and_keeps_it_inside_a_slice() -> None:
    pieces = [f"piece {i} text" for i in range(12)]
    chunks = split(doc("###".join(pieces)), custom("###", size=50))
    assert all(len(c.text) <= 50 for c in chunks)
    assert all(not c.text.startswith("#") and not c.text.endswith("#") for c in chunks)
    assert [p for c in chunks for p in c.text.split("###")] == pieces
    assert any("###" in c.text for c in chunks)


def test_custom_separator_of_tabs_survives_trim_spaces() -> None:
    chunks = split(doc("a  b\t\tc d\t\t" + "e" * 60), custom("\t\t", size=50))
    assert texts(chunks) == ["a b\t\tc d", "e" * 50, "e" * 10]


def test_custom_pieces_longer_than_the_size_are_cut_as_in_auto() -> None:
    text = " ".join(ENGLISH * 3) + "|" + "".join(CHINESE * 3)
    chunks = split(doc(text), custom("|", size=80))
    assert all(len(c.text) <= 80 for c in chunks)
    english = [c.text for c in chunks if c.text.isascii()]
    assert all(t[-1] in ".!?" for t in english)
    assert all(c.text[-1] in "。！？；" for c in chunks if not c.text.isascii())  # noqa: RUF001


def test_overlap_repeats_the_end_of_the_previous_slice_from_a_word_start() -> None:
    words = " ".join(f"word{i}" for i in range(80))
    chunks = split(doc(words), custom("\n\n", size=60, overlap=20))
    assert len(chunks) > 5
    for prev, nxt in pairwise(chunks):
        assert 0 < nxt.overlap <= 20
        repeated = nxt.text[: nxt.overlap]
        assert prev.text.endswith(repeated)
        assert prev.text[-nxt.overlap - 1] == " "  # the overlap begins at a word
        assert len(nxt.text) <= 60
    assert " ".join(c.text[c.overlap :].strip() for c in chunks) == words


def test_overlap_begins_at_a_sentence_start_when_one_keeps_enough() -> None:
    text = "Alpha beta gamma delta. Epsilon zeta eta. Theta iota kappa lambda mu nu xi omicron pi rho."
    chunks = split(doc(text), custom("\n\n", size=50, overlap=25))
    assert chunks[0].text == "Alpha beta gamma delta. Epsilon zeta eta."
    assert chunks[1].text.startswith("Epsilon zeta eta. Theta")
    assert chunks[1].overlap == len("Epsilon zeta eta.")


def test_chinese_overlap_starts_after_a_sentence_end_or_anywhere() -> None:
    text = "".join(CHINESE * 4)
    chunks = split(doc(text), custom("。", size=50, overlap=12))
    for prev, nxt in pairwise(chunks):
        assert 0 < nxt.overlap <= 12
        assert prev.text.endswith(nxt.text[: nxt.overlap])
    solid = "汉字" * 60
    chunks = split(doc(solid), custom("\n", size=50, overlap=10))
    assert [c.overlap for c in chunks] == [0, 10, 10]
    assert "".join(c.text[c.overlap :] for c in chunks) == solid


def test_overlap_shrinks_so_the_slice_still_fits() -> None:
    chunks = split(doc("a" * 40, "b" * 50, "c" * 50), custom("\n\n", size=100, overlap=50))
    assert texts(chunks) == ["a" * 40 + "\n\n" + "b" * 50, "b" * 48 + "\n\n" + "c" * 50]
    assert chunks[1].overlap == 48  # 50 asked; one giant word, so cut inside it


def test_custom_slices_carry_the_heading_path_and_page_of_their_new_text() -> None:
    parsed = doc(
        heading(("One",), page=1),
        para("First section text that is long enough.", ("One",), page=1),
        heading(("Two",), page=2),
        para("Second section text, also long enough.", ("Two",), page=2),
    )
    chunks = split(parsed, custom("\n\n", size=50, overlap=10))
    for c in chunks:
        body = c.text[c.overlap :]
        expected = ("One",) if ("First" in body or "One" in body) else ("Two",)
        assert c.heading_path == expected
        assert c.page == (1 if expected == ("One",) else 2)


# --- hierarchical ----------------------------------------------------------------------------------


def hier(size: int = 800, depth: int = 3, keep: bool = True) -> ChunkingStrategy:
    return ChunkingStrategy(mode=HIER, chunk_size=size, max_depth=depth, keep_headings=keep)


MANUAL = doc(
    para("Preface before any heading."),
    heading(("Guide",), page=1),
    para("Guide overview.", ("Guide",), page=1),
    heading(("Guide", "Install"), page=1),
    para("Run the installer.", ("Guide", "Install"), page=1),
    heading(("Guide", "Install", "Linux"), page=2),
    para("Use the package.", ("Guide", "Install", "Linux"), page=2),
    heading(("指南",), page=3),
    para("中文说明。", ("指南",), page=3),
)


def test_hierarchical_one_slice_per_section_with_its_path_on_top() -> None:
    chunks = split(MANUAL, hier())
    assert texts(chunks) == [
        "Preface before any heading.",
        "Guide\n\nGuide overview.",
        "Guide > Install\n\nRun the installer.",
        "Guide > Install > Linux\n\nUse the package.",
        "指南\n\n中文说明。",
    ]
    assert [c.heading_path for c in chunks] == [
        (), ("Guide",), ("Guide", "Install"), ("Guide", "Install", "Linux"), ("指南",),
    ]  # fmt: skip
    assert [c.page for c in chunks] == [None, 1, 1, 2, 3]


def test_hierarchical_deeper_headings_stay_in_their_ancestors_section() -> None:
    chunks = split(MANUAL, hier(depth=2))
    assert texts(chunks)[2] == "Guide > Install\n\nRun the installer.\n\nLinux\n\nUse the package."
    assert chunks[2].heading_path == ("Guide", "Install")
    assert len(split(MANUAL, hier(depth=1))) == 3


def test_hierarchical_without_keep_headings_keeps_the_heading_block_as_text() -> None:
    chunks = split(MANUAL, hier(keep=False))
    assert texts(chunks)[1:3] == ["Guide\n\nGuide overview.", "Install\n\nRun the installer."]
    assert chunks[2].heading_path == ("Guide", "Install")


def test_a_long_section_is_split_and_every_part_keeps_the_path() -> None:
    body = " ".join(ENGLISH * 6)
    parsed = doc(heading(("Big",)), heading(("Big", "Part")), para(body, ("Big", "Part")))
    chunks = split(parsed, hier(size=100))
    assert all(c.text.startswith("Big > Part\n\n") and len(c.text) <= 100 for c in chunks)
    assert all(c.heading_path == ("Big", "Part") for c in chunks)
    assert " ".join(c.text.removeprefix("Big > Part\n\n") for c in chunks) == body


def test_a_heading_without_text_is_only_a_slice_when_nothing_names_it() -> None:
    parsed = doc(
        heading(("Empty",)),
        heading(("Empty", "Child")),
        para("Child text.", ("Empty", "Child")),
        heading(("Lone",)),
        heading(("Next",)),
        para("Next text.", ("Next",)),
    )
    assert texts(split(parsed, hier())) == ["Empty > Child\n\nChild text.", "Lone", "Next\n\nNext text."]


def test_a_heading_path_longer_than_half_a_slice_is_shortened_from_the_left() -> None:
    path = ("A very long top level heading", "An even longer second level heading text")
    chunks = split(doc(heading(path[:1]), heading(path), para("Body.", path)), hier(size=60))
    assert chunks[0].text == path[0]  # its header would not be whole in the next slice
    header = "\u2026ger second level heading text\n\n"
    assert all(c.text.startswith(header) and len(c.text) <= 60 for c in chunks[1:])
    # The shortened header does not stand for the heading: its block stays in the text.
    assert " ".join(c.text.removeprefix(header) for c in chunks[1:]) == f"{path[1]}\n\nBody."


def test_a_custom_separator_with_carriage_returns_matches_any_line_end() -> None:
    chunks = split(doc("a" * 30 + "\r\n" + "b" * 30 + "\n" + "c" * 30), custom("\r\n", size=50))
    assert texts(chunks) == ["a" * 30, "b" * 30, "c" * 30]
