"""Text formats: plain text (encodings, binary content), Markdown, HTML."""

from __future__ import annotations

import pytest

from domain.knowledge.parsed import BlockKind, FailureReason, ParsedText, ParseFailed, ParseLimits, TextBlock
from infra.knowledge.parsing import FileParser

LIMITS = ParseLimits()
CHINESE = "知识库：第一段。\n第二行\n\n第二段，包含“引号”。"


def parse(data: bytes, file_type: str, limits: ParseLimits = LIMITS) -> ParsedText:
    result = FileParser().parse(data, file_type, limits)
    assert isinstance(result, ParsedText)
    return result


def failure(data: bytes, file_type: str, limits: ParseLimits = LIMITS) -> ParseFailed:
    with pytest.raises(ParseFailed) as caught:
        FileParser().parse(data, file_type, limits)
    return caught.value


def summary(blocks: tuple[TextBlock, ...]) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(b.kind.value, b.text, b.heading_path) for b in blocks]


# ------------------------------------------------------------------ txt
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-32", "gb18030", "gbk"])
def test_txt_in_each_encoding(encoding: str) -> None:
    parsed = parse(CHINESE.encode(encoding), "txt")

    assert [b.text for b in parsed.blocks] == ["知识库：第一段。\n第二行", "第二段，包含“引号”。"]
    assert all(b.kind is BlockKind.PARAGRAPH and b.page is None for b in parsed.blocks)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_mostly_latin_utf16_without_a_byte_order_mark(encoding: str) -> None:
    parsed = parse("Plain words, then 中文.\n\nSecond paragraph.".encode(encoding), "txt")

    assert [b.text for b in parsed.blocks] == ["Plain words, then 中文.", "Second paragraph."]


def test_utf8_cut_inside_a_character_stays_utf8() -> None:
    data = CHINESE.encode()[:-1]  # the last character loses a byte
    parsed = parse(data, "txt")

    assert parsed.blocks[0].text == "知识库：第一段。\n第二行"
    assert parsed.blocks[1].text == "第二段，包含“引号”\ufffd"


def test_txt_in_windows_1252() -> None:
    parsed = parse("Caf\u00e9 cr\u00e8me, 5 \u20ac.".encode("cp1252"), "txt")

    assert parsed.blocks[0].text == "Café crème, 5 €."


def test_txt_whitespace_is_normalised_lightly() -> None:
    parsed = parse(b"  one  two \t\r\nthree\r\n \r\n\r\n\x0cfour\x07\n", "txt")

    # Line ends unified, trailing spaces and control characters gone; inner runs of spaces stay.
    assert [b.text for b in parsed.blocks] == ["one  two\nthree", "four"]


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200),  # a Windows program
        b"\x7fELF\x02\x01\x01" + bytes(100),
        bytes((i * 7919) % 256 for i in range(20_000)),  # random-looking binary
        b"text with a NUL\x00 in it",
        b"\x01\x02\x03\x04\x05\x06 mostly controls \x10\x11\x12\x13\x14\x15\x16",
    ],
)
def test_binary_named_txt_is_mislabelled(data: bytes) -> None:
    assert failure(data, "txt").reason is FailureReason.MISLABELLED


def test_a_bom_with_invalid_bytes_is_broken() -> None:
    assert failure(b"\xef\xbb\xbfok \xff\xfe\xfd", "txt").reason is FailureReason.BROKEN


def test_txt_beyond_the_text_limit_is_too_large() -> None:
    found = failure(b"x" * 1001, "txt", ParseLimits(max_text_chars=1000))

    assert found.reason is FailureReason.TOO_LARGE
    assert "1,001" in found.detail


# ------------------------------------------------------------------ md
MARKDOWN = """---
title: front matter is not text
---
产品手册
========

Intro with *emphasis*, `code`, a [link](https://example.com) and ![diagram](d.png).
Second line.

## 安装

- one
- two
  1. nested
  2. nested too

     with a paragraph
- three

```bash
pip install cozeplus
```

| key | value |
|-----|-------|
| a   | 1     |

Setext second level
-------------------

<div>raw <b>HTML</b><script>alert(1)</script></div>

### Deep

> quoted text
"""


def test_markdown_headings_lists_code_tables() -> None:
    parsed = parse(MARKDOWN.encode(), "md")

    manual, install, setext = ("产品手册",), ("产品手册", "安装"), ("产品手册", "Setext second level")
    assert summary(parsed.blocks) == [
        ("heading", "产品手册", manual),
        ("paragraph", "Intro with emphasis, code, a link and diagram.\nSecond line.", manual),
        ("heading", "安装", install),
        ("list", "- one\n- two\n  1. nested\n  2. nested too\n    with a paragraph\n- three", install),
        ("code", "pip install cozeplus", install),
        ("table", "key | value\na | 1", install),
        ("heading", "Setext second level", setext),
        ("paragraph", "raw HTML", setext),
        ("heading", "Deep", (*setext, "Deep")),
        ("paragraph", "quoted text", (*setext, "Deep")),
    ]
    assert [b.level for b in parsed.blocks if b.kind is BlockKind.HEADING] == [1, 2, 2, 3]


def test_a_leading_thematic_break_is_not_front_matter() -> None:
    parsed = parse(b"---\n# Title\n\nText.\n\n---\n\nMore.\n", "md")

    assert [b.text for b in parsed.blocks] == ["Title", "Text.", "More."]


def test_markdown_in_gbk() -> None:
    parsed = parse("# 标题\n\n正文内容".encode("gbk"), "md")

    assert summary(parsed.blocks) == [("heading", "标题", ("标题",)), ("paragraph", "正文内容", ("标题",))]


def test_markdown_of_only_blank_lines_is_empty() -> None:
    assert failure(b"\n\n   \n", "md").reason is FailureReason.EMPTY
    assert failure(b"<!-- a comment -->\n", "md").reason is FailureReason.EMPTY


# ------------------------------------------------------------------ html
PAGE = """<!DOCTYPE html>
<html><head><meta charset="gbk"><title>帮助中心</title><style>p { color: red }</style>
<script>var tracking = 1;</script></head>
<body>
<nav><a href="/">首页</a> | <a href="/docs">文档</a></nav>
<header><p>Site banner</p></header>
<p>欢迎使用 <b>知识库</b>。<br>第二行&nbsp;文字</p>
<h2>入门</h2>
<div>Loose text in a div
  <span>and a span</span></div>
<ul><li>第一项</li><li>第二项<ol><li>子项</li></ol></li></ul>
<h3>代码</h3>
<pre>def f():
    return 1</pre>
<table><thead><tr><th>名称</th><th>值</th></tr></thead><tbody><tr><td>a</td><td>1</td></tr></tbody></table>
<div hidden>hidden text</div><div style="display: none">invisible</div>
<h2>更多</h2>
tail text
<footer>版权所有</footer>
</body></html>"""


def test_html_readable_text_and_headings() -> None:
    parsed = parse(PAGE.encode("gbk"), "html")

    top, start, code, more = (
        ("帮助中心",),
        ("帮助中心", "入门"),
        ("帮助中心", "入门", "代码"),
        ("帮助中心", "更多"),
    )
    assert summary(parsed.blocks) == [
        ("heading", "帮助中心", top),
        ("paragraph", "Site banner", top),
        ("paragraph", "欢迎使用 知识库。\n第二行 文字", top),
        ("heading", "入门", start),
        ("paragraph", "Loose text in a div and a span", start),
        ("list", "- 第一项\n- 第二项\n  1. 子项", start),
        ("heading", "代码", code),
        ("code", "def f():\n    return 1", code),
        ("table", "名称 | 值\na | 1", code),
        ("heading", "更多", more),
        ("paragraph", "tail text", more),
    ]


def test_html_title_is_not_repeated_when_the_page_has_an_h1() -> None:
    parsed = parse(
        b"<html><head><title>Site - Page</title></head><body><h1>Page</h1><p>x</p></body></html>", "html"
    )

    assert summary(parsed.blocks) == [("heading", "Page", ("Page",)), ("paragraph", "x", ("Page",))]


def test_xhtml_with_an_xml_declaration() -> None:
    page = '<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body><p>é</p></body></html>'

    assert parse(page.encode(), "html").blocks[0].text == "é"


def test_deeply_nested_html_is_read_without_recursion() -> None:
    page = "<html><body>" + "<div>" * 2000 + "deep" + "</div>" * 2000 + "</body></html>"

    assert parse(page.encode(), "html").blocks[0].text == "deep"


def test_html_nested_beyond_the_parser_limit_is_broken_not_cut_short() -> None:
    page = "<html><body>" + "<div>" * 5000 + "deep" + "</div>" * 5000 + "<p>after</p></body></html>"
    found = failure(page.encode(), "html")

    assert found.reason is FailureReason.BROKEN
    assert "depth" in found.detail


def test_html_with_nothing_readable_is_empty() -> None:
    page = b"<html><head><title></title><script>x()</script></head><body><nav>menu</nav></body></html>"

    assert failure(page, "html").reason is FailureReason.EMPTY
    assert failure(b"<!-- only a comment -->", "html").reason is FailureReason.EMPTY
