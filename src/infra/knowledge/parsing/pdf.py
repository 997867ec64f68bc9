"""PDF documents with pypdf: the text of each page, headings from the document outline.

The page count is checked on the page tree's declared /Count before any page is read (a
10,000-page file fails at once), then again on the real tree, which pypdf walks without reading
page contents. Headings come from the outline (bookmarks): an outline entry is placed at the line
of its page that carries its title, or at the top of that page when no line does."""

from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.errors import DependencyError, LimitReachedError, PdfReadError, PyPdfError
from pypdf.generic import Destination, DictionaryObject

from domain.knowledge.parsed import FailureReason, ParsedText, ParseFailed, ParseLimits
from infra.knowledge.parsing.blocks import TextBuilder, clean, one_line
from infra.knowledge.parsing.signatures import PDF, require

WHAT = "PDF document"
_MAX_OUTLINE_DEPTH = 6


@dataclass(frozen=True, slots=True)
class _Heading:
    level: int
    title: str

    @property
    def key(self) -> str:
        return _key(self.title)


def parse_pdf(data: bytes, limits: ParseLimits) -> ParsedText:
    require(data, PDF, "pdf")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            _decrypt(reader)
        _check_page_count(reader, limits)
        headings = _outline(reader)
        out = TextBuilder(limits.max_text_chars)
        has_text = False
        for index, page in enumerate(reader.pages):
            try:
                text = clean(page.extract_text())
            except LimitReachedError:
                raise
            except (PyPdfError, ValueError, TypeError, KeyError, AttributeError, IndexError) as exc:
                raise ParseFailed(FailureReason.BROKEN, f"page {index + 1} cannot be read ({exc})") from None
            has_text = has_text or bool(text)
            _add_page(out, text, headings.get(index, []), index + 1)
    except LimitReachedError as exc:
        raise ParseFailed(
            FailureReason.TOO_LARGE, f"the {WHAT} is beyond the reader's limits ({exc})"
        ) from None
    except PdfReadError as exc:
        raise ParseFailed(FailureReason.BROKEN, f"the {WHAT} is damaged or truncated ({exc})") from None
    if not has_text:
        raise ParseFailed(
            FailureReason.EMPTY,
            f"the {WHAT} has no text layer (a scanned PDF needs OCR, which is not supported)",
        )
    return out.build(WHAT, pages=len(reader.pages))


def _decrypt(reader: PdfReader) -> None:
    # Many PDFs are encrypted with an owner password only (to restrict printing or copying):
    # the empty user password opens them, and their text may be read.
    try:
        opened = reader.decrypt("")
    except (DependencyError, NotImplementedError, PdfReadError) as exc:
        raise ParseFailed(
            FailureReason.ENCRYPTED, f"the {WHAT} is encrypted in a way that cannot be opened ({exc})"
        ) from None
    if not opened:
        raise ParseFailed(FailureReason.ENCRYPTED, f"the {WHAT} is password-protected")


def _check_page_count(reader: PdfReader, limits: ParseLimits) -> None:
    tree = reader.root_object.get("/Pages")
    tree = tree.get_object() if tree is not None else None
    declared = tree.get("/Count") if isinstance(tree, DictionaryObject) else None
    if isinstance(declared, int) and declared > limits.max_pages:
        raise _too_many(declared, limits)
    real = len(reader.pages)
    if real > limits.max_pages:
        raise _too_many(real, limits)
    if real == 0:
        raise ParseFailed(FailureReason.EMPTY, f"the {WHAT} has no pages")


def _too_many(count: int, limits: ParseLimits) -> ParseFailed:
    return ParseFailed(
        FailureReason.TOO_MANY_PAGES,
        f"the {WHAT} has {count:,} pages, more than the limit of {limits.max_pages:,}",
    )


def _outline(reader: PdfReader) -> dict[int, list[_Heading]]:
    """Outline entries by 0-based page index, in outline order. A damaged outline is only a loss
    of headings, never a reason to fail the document."""
    by_page: dict[int, list[_Heading]] = {}
    try:
        stack: list[tuple[list[object], int]] = [(list(reader.outline), 1)]
        while stack:
            items, level = stack.pop()
            for position, item in enumerate(items):
                if isinstance(item, list):
                    if level < _MAX_OUTLINE_DEPTH:
                        # The rest of this level comes after the children: walk them first.
                        stack.append((items[position + 1 :], level))
                        stack.append((item, level + 1))
                        break
                    continue
                if isinstance(item, Destination):
                    page = reader.get_destination_page_number(item)
                    title = one_line(str(item.title or ""))
                    if page is not None and page >= 0 and title:
                        by_page.setdefault(page, []).append(_Heading(level, title))
    except (PyPdfError, ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError):
        return {}
    return by_page


def _add_page(out: TextBuilder, text: str, headings: list[_Heading], page: int) -> None:
    lines = text.split("\n") if text else []
    keys = {_key(line) for line in lines}
    pending = [heading for heading in headings if heading.key in keys]
    for heading in headings:
        if heading.key not in keys:
            out.heading(heading.title, heading.level, page)
    body: list[str] = []
    for line in lines:
        if pending and _key(line) == pending[0].key:
            out.add_paragraphs("\n".join(body), page)
            body.clear()
            heading = pending.pop(0)
            out.heading(heading.title, heading.level, page)
            continue
        body.append(line)
    out.add_paragraphs("\n".join(body), page)


def _key(text: str) -> str:
    return one_line(text).casefold()
