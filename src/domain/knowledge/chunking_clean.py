"""Cleaning a block's text before it is cut: line ends, runs of spaces, URLs and e-mail addresses.

Every pattern starts at a fixed token or behind a look-behind that only lets a match begin at the
start of a run, so a 10 MB run of letters costs one pass, never a scan per position.
"""

from __future__ import annotations

import re

from domain.knowledge.parsed import BlockKind
from domain.knowledge.values import ChunkingStrategy

# URL characters (RFC 3986) without parentheses, quotes and `*`; a URL may hold balanced `( )`
# (wiki links) and never ends on punctuation, so "see https://x.org/a." keeps its full stop.
_URL_CHAR = r"[A-Za-z0-9\-._~:/?#\[\]@!$&+,;=%]"
_URL_LAST = r"[A-Za-z0-9\-_~/#@$&+=%]"
_URL_PAREN = rf"\({_URL_CHAR}*\)"
_URL = re.compile(
    r"(?<![A-Za-z0-9.@_\-])(?i:(?:https?|ftp)://|www\.)"
    rf"(?:{_URL_CHAR}|{_URL_PAREN})*(?:{_URL_LAST}|{_URL_PAREN})"
)
# A local part, "@", labels and a letter TLD: "e.g." and "a.b" have no "@" and are left alone.
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])(?i:mailto:)?[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*"
    r"\.[A-Za-z]{2,}(?![A-Za-z0-9\-])"
)

# A single plain space is left alone: replacing each of a text's million spaces by itself is the
# cost of this step otherwise.
_SPACE_RUN = re.compile(r"[ \t\f\v\u00a0\u3000]{2,}|[\t\f\v\u00a0\u3000]")
_LINE_EDGE = re.compile(r" ?\n ?")
_TRAILING_SPACE = re.compile(r"[ \t\f\v\u00a0\u3000]+(?=\n)")
_BLANK_RUN = re.compile(r"\n{3,}")


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def remove_urls_emails(text: str) -> str:
    # The `in` tests (C speed) spare most blocks the regex scans.
    if "://" in text or "www." in text or "WWW." in text:
        text = _URL.sub("", text)
    return _EMAIL.sub("", text) if "@" in text else text


def collapse_spaces(text: str, kind: BlockKind = BlockKind.PARAGRAPH) -> str:
    """Runs of spaces and tabs become one space, lines lose their edge spaces, three or more line
    breaks become two. Code keeps its indentation (it carries meaning in Python or YAML) and only
    loses trailing spaces and extra blank lines."""
    if kind is BlockKind.CODE:
        text = _TRAILING_SPACE.sub("", text)
    else:
        text = _SPACE_RUN.sub(" ", text)
        if "\n" in text:
            text = _LINE_EDGE.sub("\n", text)
    return _BLANK_RUN.sub("\n\n", text) if "\n\n\n" in text else text


def clean(text: str, kind: BlockKind, strategy: ChunkingStrategy, keep: str = "") -> str:
    """The block's text as the chunker sees it: line ends normalised, then the strategy's cleaning.
    Occurrences of `keep` (the custom separator) survive verbatim: cleaning runs between them, so a
    separator of tabs or of three line breaks is still there to split on."""
    text = normalise_newlines(text)
    if not (strategy.trim_spaces or strategy.strip_urls_emails):
        return text
    if keep and keep in text:
        return keep.join(_clean_part(part, kind, strategy) for part in text.split(keep))
    return _clean_part(text, kind, strategy)


def _clean_part(text: str, kind: BlockKind, strategy: ChunkingStrategy) -> str:
    if strategy.strip_urls_emails:
        text = remove_urls_emails(text)
    if strategy.trim_spaces:
        text = collapse_spaces(text, kind)
    return text
