"""What every text parser shares: the heading trail, the text budget, light whitespace clean-up."""

from __future__ import annotations

import re

from domain.knowledge.parsed import BlockKind, FailureReason, ParsedText, ParseFailed, TextBlock

MAX_HEADING_LEVEL = 6
# C0 controls but tab, line feed and carriage return; DEL. Form feeds and vertical tabs become
# line breaks first (page breaks in exported text).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TRAILING_SPACE = re.compile(r"[ \t\u00a0\u3000]+\n")
_BLANK_LINES = re.compile(r"\n[ \t\u00a0\u3000]*\n\s*")
_SPACES = re.compile(r"\s+")


def clean(text: str) -> str:
    """Line ends unified, control characters and trailing spaces gone, outer blank lines trimmed;
    runs of spaces stay (the chunker's trim_spaces decides about those)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").replace("\v", "\n")
    text = _CONTROL.sub("", text)
    return _TRAILING_SPACE.sub("\n", text).strip()


def one_line(text: str) -> str:
    """All whitespace runs as single spaces: for headings and table cells."""
    return _SPACES.sub(" ", text).strip()


def paragraphs(text: str) -> list[str]:
    """`text` cut at blank lines, each piece cleaned; empty pieces dropped."""
    return [piece for piece in (clean(p) for p in _BLANK_LINES.split(clean(text))) if piece]


class TextBuilder:
    """Collects a document's blocks in order, keeps the heading path, and fails the document as
    soon as its text outgrows `max_chars` (so a huge file stops early, not after it is all read)."""

    def __init__(self, max_chars: int) -> None:
        self._max_chars = max_chars
        self._chars = 0
        self._blocks: list[TextBlock] = []
        self._trail: list[tuple[int, str]] = []  # (level, title), outermost first

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(title for _, title in self._trail)

    def heading(self, title: str, level: int, page: int | None = None) -> None:
        title = one_line(title)
        if not title:
            return
        level = max(1, min(level, MAX_HEADING_LEVEL))
        while self._trail and self._trail[-1][0] >= level:
            self._trail.pop()
        self._trail.append((level, title))
        self._count(title)
        self._blocks.append(TextBlock(title, BlockKind.HEADING, self.path, level, page))

    def add(self, text: str, kind: BlockKind = BlockKind.PARAGRAPH, page: int | None = None) -> None:
        """One block of `text` as it is (callers clean it); nothing when it is blank."""
        if not text or text.isspace():
            return
        self._count(text)
        self._blocks.append(TextBlock(text, kind, self.path, 0, page))

    def add_paragraphs(self, text: str, page: int | None = None) -> None:
        for piece in paragraphs(text):
            self.add(piece, BlockKind.PARAGRAPH, page)

    def build(self, what: str, pages: int | None = None) -> ParsedText:
        if not self._blocks:
            raise ParseFailed(FailureReason.EMPTY, f"the {what} has no text")
        return ParsedText(tuple(self._blocks), pages)

    def _count(self, text: str) -> None:
        self._chars += len(text)
        if self._chars > self._max_chars:
            raise ParseFailed(
                FailureReason.TOO_LARGE,
                f"the text is longer than the limit of {self._max_chars:,} characters",
            )


def table_rows(rows: list[list[str]]) -> str:
    """A table inside a text document as text: one line per row, cells joined by " | "."""
    return "\n".join(" | ".join(cells) for cells in rows if any(cells))
