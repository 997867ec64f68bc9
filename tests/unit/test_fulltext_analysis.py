"""Word segmentation and highlight mapping shared by the full-text adapters."""

from __future__ import annotations

import pytest

from infra.fulltext.analysis import highlight, marked_words, query_words, word_string, words


def test_words_split_chinese_with_jieba_and_latin_at_non_letters() -> None:
    text = "AI知识库检索增强生成 (RAG) — Running_fast, café! 2024年"
    assert [text[s:e] for s, e in words(text)] == [
        "AI", "知识库", "检索", "增强", "生成", "RAG", "Running", "fast", "café", "2024", "年",
    ]  # fmt: skip
    assert word_string("知识库，检索。") == "知识库 检索"


def test_query_words_are_words_never_operators_or_wildcards() -> None:
    assert query_words('"Foo" OR bar* NEAR(x, 2) foo') == ["foo", "or", "bar", "near", "x", "2"]
    assert query_words("*** ::: ---") == []


def test_marked_words_follow_marks_that_span_words() -> None:
    assert marked_words("<em>a b</em> c <em>d</em>") == [True, True, False, True]
    assert marked_words("a b") == [False, False]


def test_highlight_maps_marks_back_onto_the_original_text() -> None:
    original = "Run <b> & 知识库检索!"
    marked = "<em>Run</em> b 知识库 <em>检索</em>"
    assert highlight(original, marked, "[", "]", escape=True) == "[Run] &lt;b&gt; &amp; 知识库[检索]!"
    assert highlight(original, marked, "[", "]", escape=False) == "[Run] <b> & 知识库[检索]!"


@pytest.mark.parametrize("marked", ["Run b 知识库 检索", "<em>Run</em> b"])
def test_highlight_gives_up_when_nothing_is_marked_or_words_do_not_line_up(marked: str) -> None:
    assert highlight("Run <b> & 知识库检索!", marked, "[", "]", escape=True) is None
