"""Plain text (.txt): one paragraph block per run of lines between blank lines."""

from __future__ import annotations

from domain.knowledge.parsed import FailureReason, ParsedText, ParseFailed, ParseLimits
from infra.knowledge.parsing.blocks import TextBuilder
from infra.knowledge.parsing.signatures import refuse_binary
from infra.knowledge.parsing.textcodec import decode

WHAT = "text file"


def parse_txt(data: bytes, limits: ParseLimits) -> ParsedText:
    refuse_binary(data, "txt")
    text = decode(data, WHAT)
    check_length(text, limits)
    out = TextBuilder(limits.max_text_chars)
    out.add_paragraphs(text)
    return out.build(WHAT)


def check_length(text: str, limits: ParseLimits) -> None:
    """Fail a decoded text that is over the limit at once, before any work is spent on it."""
    if len(text) > limits.max_text_chars:
        raise ParseFailed(
            FailureReason.TOO_LARGE,
            f"the text has {len(text):,} characters, more than the limit of {limits.max_text_chars:,}",
        )
