"""The knowledge context's document parser: one file type to one reader, every failure a
ParseFailed naming its reason (a library's own exception never escapes)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from domain.knowledge.parsed import FailureReason, ParsedDocument, ParseFailed, ParseLimits
from infra.knowledge.parsing import (
    delimited,
    html_page,
    images,
    json_table,
    markdown,
    pdf,
    plain_text,
    spreadsheet,
    word,
)

_Reader = Callable[[bytes, ParseLimits], ParsedDocument]

_READERS: dict[str, tuple[_Reader, str]] = {
    "pdf": (pdf.parse_pdf, pdf.WHAT),
    "docx": (word.parse_docx, word.WHAT),
    "md": (markdown.parse_md, markdown.WHAT),
    "markdown": (markdown.parse_md, markdown.WHAT),
    "txt": (plain_text.parse_txt, plain_text.WHAT),
    "html": (html_page.parse_html, html_page.WHAT),
    "htm": (html_page.parse_html, html_page.WHAT),
    "csv": (delimited.parse_csv, delimited.WHAT),
    "xlsx": (spreadsheet.parse_xlsx, spreadsheet.WHAT),
    "json": (json_table.parse_json, json_table.WHAT),
    "jpg": (partial(images.parse_image, file_type="jpg"), "image"),
    "jpeg": (partial(images.parse_image, file_type="jpeg"), "image"),
    "png": (partial(images.parse_image, file_type="png"), "image"),
}
SUPPORTED_TYPES = frozenset(_READERS)


class FileParser:
    """DocumentParser over pypdf, python-docx, openpyxl, markdown-it-py, lxml and Pillow.

    Stateless and thread-safe: one instance serves every worker thread."""

    def parse(self, data: bytes, file_type: str, limits: ParseLimits) -> ParsedDocument:
        kind = file_type.strip().lower().lstrip(".")
        entry = _READERS.get(kind)
        if entry is None:
            supported = ", ".join(sorted(SUPPORTED_TYPES))
            raise ParseFailed(
                FailureReason.UNSUPPORTED_TYPE,
                f".{kind or '?'} files are not supported (supported: {supported})",
            )
        read, what = entry
        if len(data) > limits.max_bytes:
            raise ParseFailed(
                FailureReason.TOO_LARGE,
                f"the {what} is {len(data):,} bytes, more than the limit of {limits.max_bytes:,}",
            )
        if not data or data.isspace():
            raise ParseFailed(FailureReason.EMPTY, f"the {what} is empty")
        try:
            return read(bytes(data), limits)
        except ParseFailed:
            raise
        except RecursionError:
            raise ParseFailed(FailureReason.BROKEN, f"the {what} is nested too deeply to read") from None
        except MemoryError:
            raise ParseFailed(FailureReason.TOO_LARGE, f"the {what} is too large to read in memory") from None
        except Exception as exc:
            # Libraries raise what they like on damaged input (KeyError, ValueError, XML errors, ...).
            detail = str(exc) or type(exc).__name__
            raise ParseFailed(FailureReason.BROKEN, f"the {what} cannot be read: {detail}") from None
