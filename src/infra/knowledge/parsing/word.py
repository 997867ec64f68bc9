"""Word documents (.docx) with python-docx: body paragraphs and tables in document order.

A heading is a paragraph whose style is Title or Heading 1..9, or that carries an outline level
(its own or its style's: localised and custom heading styles use one). Consecutive list
paragraphs (numbered, or of a List style) make one list block; a table is one block of rows."""

from __future__ import annotations

import io
import re

import docx
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.table import Table
from docx.text.paragraph import Paragraph

from domain.knowledge.parsed import BlockKind, ParsedText, ParseLimits
from infra.knowledge.parsing.blocks import TextBuilder, clean, one_line, table_rows
from infra.knowledge.parsing.package import check_package

WHAT = "Word document"
# The only main part python-docx opens (not .docm, .dotx: those fail MISLABELLED before it).
MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_HEADING_STYLE = re.compile(r"heading\s*([1-9])", re.IGNORECASE)
_BODY_TEXT_OUTLINE = 9  # w:outlineLvl 9 means "not in the outline"


class _StyleInfo:
    """What a paragraph style makes of its paragraphs (looked up once per style id)."""

    __slots__ = ("is_list", "level")

    def __init__(self, level: int, is_list: bool) -> None:
        self.level, self.is_list = level, is_list


def parse_docx(data: bytes, limits: ParseLimits) -> ParsedText:
    check_package(data, "docx", (MAIN_TYPE,), WHAT, limits)
    document = docx.Document(io.BytesIO(data))
    out = TextBuilder(limits.max_text_chars)
    styles: dict[str | None, _StyleInfo] = {}
    list_lines: list[str] = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            _flush_list(out, list_lines)
            out.add(table_rows(_rows(item)), BlockKind.TABLE)
            continue
        text = clean(item.text)
        if not text:
            continue
        info = _style(item, styles)
        level = _outline_level(item) or info.level
        if level:
            _flush_list(out, list_lines)
            out.heading(text, level)
        elif info.is_list or _numbered(item):
            list_lines.append(f"- {one_line(text)}")
        else:
            _flush_list(out, list_lines)
            out.add(text)
    _flush_list(out, list_lines)
    return out.build(WHAT)


def _flush_list(out: TextBuilder, lines: list[str]) -> None:
    if lines:
        out.add("\n".join(lines), BlockKind.LIST)
        lines.clear()


def _rows(table: Table) -> list[list[str]]:
    rows = []
    for row in table.rows:
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            # A merged cell is returned once per grid column it spans: keep it once.
            if cell._tc is previous:
                continue
            previous = cell._tc
            cells.append(one_line(cell.text))
        rows.append(cells)
    return rows


def _style(paragraph: Paragraph, cache: dict[str | None, _StyleInfo]) -> _StyleInfo:
    style_id = paragraph._p.style
    info = cache.get(style_id)
    if info is None:
        info = cache[style_id] = _describe(paragraph)
    return info


def _describe(paragraph: Paragraph) -> _StyleInfo:
    style = paragraph.style
    level, is_list, depth = 0, False, 0
    while style is not None and depth < 10:
        name = style.name or ""
        matched = _HEADING_STYLE.fullmatch(name.strip())
        if name.strip().lower() == "title":
            level = level or 1
        elif matched:
            level = level or int(matched.group(1))
        else:
            level = level or _element_outline_level(style.element)
        is_list = is_list or name.lower().startswith("list") or bool(style.element.xpath("./w:pPr/w:numPr"))
        style, depth = style.base_style, depth + 1
    return _StyleInfo(level, is_list)


def _outline_level(paragraph: Paragraph) -> int:
    return _element_outline_level(paragraph._p)


def _element_outline_level(element: BaseOxmlElement) -> int:
    """A w:outlineLvl of 0..8 as heading level 1..9; 0 when there is none."""
    values = element.xpath("./w:pPr/w:outlineLvl/@w:val")
    if not values or not str(values[0]).isdigit():
        return 0
    value = int(values[0])
    return value + 1 if value < _BODY_TEXT_OUTLINE else 0


def _numbered(paragraph: Paragraph) -> bool:
    return bool(paragraph._p.xpath("./w:pPr/w:numPr"))
