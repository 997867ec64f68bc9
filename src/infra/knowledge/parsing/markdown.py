"""Markdown (.md) with markdown-it-py (CommonMark plus tables): ATX and setext headings, lists as
one block each (nested items indented), fenced and indented code, tables as rows; inline markup
becomes plain text. A YAML front-matter block at the top is metadata, not text, and is dropped."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

from domain.knowledge.parsed import BlockKind, ParsedText, ParseLimits
from infra.knowledge.parsing.blocks import TextBuilder, clean, one_line, table_rows
from infra.knowledge.parsing.html_page import fragment_text
from infra.knowledge.parsing.plain_text import check_length
from infra.knowledge.parsing.signatures import refuse_binary
from infra.knowledge.parsing.textcodec import decode

WHAT = "Markdown document"
# YAML front matter: a first line of ---, a key: line (so a leading thematic break is not taken
# for it), up to a line of --- or ....
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n[\w-]+[ \t]*:.*\n(?:.*\n)*?(?:---|\.\.\.)[ \t]*(?:\n|\Z)")
_INLINE_TEXT = ("text", "code_inline")
_BREAKS = ("softbreak", "hardbreak")


@dataclass
class _ListLevel:
    ordered: bool
    number: int


@dataclass
class _State:
    out: TextBuilder
    lists: list[_ListLevel] = field(default_factory=list)
    list_lines: list[str] = field(default_factory=list)
    marker: str = ""  # the marker the next line of the current list item starts with
    heading: int = 0  # the level of the heading whose text comes next
    table: list[list[str]] | None = None


def parse_md(data: bytes, limits: ParseLimits) -> ParsedText:
    refuse_binary(data, "md")
    text = _FRONT_MATTER.sub("", decode(data, WHAT).replace("\r\n", "\n"), count=1)
    check_length(text, limits)
    parser = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    state = _State(TextBuilder(limits.max_text_chars))
    for token in parser.parse(text):
        _take(state, token)
    return state.out.build(WHAT)


def _take(state: _State, token: Token) -> None:
    kind = token.type
    if kind == "heading_open":
        _flush_list(state)
        state.heading = int(token.tag[1])
    elif kind == "inline":
        _inline(state, _inline_text(token))
    elif kind in ("bullet_list_open", "ordered_list_open"):
        start = token.attrGet("start")
        state.lists.append(_ListLevel(kind == "ordered_list_open", int(start) if start else 1))
    elif kind in ("bullet_list_close", "ordered_list_close"):
        state.lists.pop()
        if not state.lists:
            _flush_list(state)
    elif kind == "list_item_open" and state.lists:
        level = state.lists[-1]
        indent = "  " * (len(state.lists) - 1)
        state.marker = f"{indent}{level.number}. " if level.ordered else f"{indent}- "
        level.number += 1
    elif kind in ("fence", "code_block"):
        _code(state, token.content)
    elif kind == "html_block":
        _inline(state, fragment_text(token.content))
    elif kind == "table_open":
        _flush_list(state)
        state.table = []
    elif kind == "tr_open" and state.table is not None:
        state.table.append([])
    elif kind == "table_close" and state.table is not None:
        state.out.add(table_rows(state.table), BlockKind.TABLE)
        state.table = None


def _inline(state: _State, text: str) -> None:
    if state.heading:
        state.out.heading(text, state.heading)
        state.heading = 0
    elif state.table is not None:
        if state.table:
            state.table[-1].append(one_line(text))
    elif state.lists:
        _list_line(state, one_line(text))
    else:
        state.out.add(clean(text))


def _code(state: _State, content: str) -> None:
    code = content.rstrip("\n")
    if not code.strip():
        return
    if state.lists:
        indent = "  " * len(state.lists)
        state.list_lines.extend(f"{indent}{line}" for line in code.split("\n"))
    else:
        state.out.add(code, BlockKind.CODE)


def _list_line(state: _State, text: str) -> None:
    if not text:
        return
    if state.marker:
        state.list_lines.append(state.marker + text)
        state.marker = ""
    else:
        # A second paragraph of the same item: under the item's text.
        state.list_lines.append("  " * len(state.lists) + text)


def _flush_list(state: _State) -> None:
    if state.list_lines:
        state.out.add("\n".join(state.list_lines), BlockKind.LIST)
        state.list_lines.clear()


def _inline_text(token: Token) -> str:
    parts: list[str] = []
    for child in token.children or ():
        if child.type in _INLINE_TEXT:
            parts.append(child.content)
        elif child.type in _BREAKS:
            parts.append("\n")
        elif child.type == "image":
            parts.append(child.content)  # its alt text
    return "".join(parts)
