"""Bytes of a text format to str: byte-order marks first, then UTF-8, then the legacy encodings
users in fact upload (GB18030 covers GB2312 and GBK; Windows-1252 the western ones).

Binary content fails MISLABELLED: a NUL, or more than one control character in a hundred, is not
text whatever codec happened to accept the bytes."""

from __future__ import annotations

import codecs
import re

from domain.knowledge.parsed import FailureReason, ParseFailed

# Tried in order when there is no byte-order mark. GB18030 comes before Windows-1252 because most
# western text is UTF-8 today while Chinese text in GBK is still common; both reject many byte
# sequences, so the order decides only for bytes both accept.
_FALLBACKS = ("utf-8", "gb18030", "cp1252")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16: its mark starts with UTF-16 LE's
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Names browsers treat as a superset (WHATWG Encoding): decoding with the superset is never wrong.
# A page cannot truly declare UTF-16 in a meta tag it could be read in: browsers read UTF-8 then.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "latin-1": "cp1252",
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
    "utf-16": "utf-8",
    "utf-16-le": "utf-8",
    "utf-16-be": "utf-8",
}
_CONTROL = re.compile(r"[\x01-\x08\x0e-\x1f\x7f]")
_UTF16_SAMPLE = 4096
_NON_ASCII_BYTES = bytes(range(128, 256))
_UTF8_GOOD_PER_BAD = 20


def decode(data: bytes, what: str, declared: str | None = None) -> str:
    """`data` as text; `declared` is an encoding the document names itself (an HTML meta charset),
    used when no byte-order mark says otherwise and the bytes decode with it."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _checked(_strict(data, codec, what), what)
    candidates = list(_FALLBACKS)
    guessed = _utf16_without_bom(data)
    if guessed:
        candidates.insert(0, guessed)
    known = _codec(declared)
    if known:
        candidates.insert(0, known)
    for codec in candidates:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            if codec == "utf-8" and (mostly := _mostly_utf8(data)) is not None:
                return _checked(mostly, what)
            continue
        return _checked(text, what)
    raise ParseFailed(
        FailureReason.MISLABELLED,
        f"the {what} is not text in a known encoding (UTF-8, UTF-16, GB18030 or Windows-1252)",
    )


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with a few bad bytes (a file cut inside a character, a stray Latin-1 byte) read as
    UTF-8 with replacement characters, rather than whole as mojibake by a legacy codec. Text in
    a legacy encoding read as UTF-8 gives about as many errors as non-ASCII characters."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    ascii_bytes = len(data.translate(None, _NON_ASCII_BYTES))
    good = len(text) - ascii_bytes - bad
    return text if bad * _UTF8_GOOD_PER_BAD <= good else None


def _strict(data: bytes, codec: str, what: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise ParseFailed(
            FailureReason.BROKEN, f"the {what} has a {codec} byte-order mark but invalid bytes at {exc.start}"
        ) from None


def _checked(text: str, what: str) -> str:
    if "\x00" in text or len(_CONTROL.findall(text)) * 100 > len(text) + 100:
        raise ParseFailed(FailureReason.MISLABELLED, f"the {what} holds binary data, not text")
    return text


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip()).name
    except (LookupError, ValueError):
        return None
    return _SUPERSETS.get(codec, codec)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without a mark: mostly-latin text has a NUL in every other byte."""
    sample = data[:_UTF16_SAMPLE]
    if len(sample) < 4 or len(data) % 2:
        return None
    pairs = len(sample) // 2
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd * 10 >= pairs * 4 and even * 20 < pairs:
        return "utf-16-le"
    if even * 10 >= pairs * 4 and odd * 20 < pairs:
        return "utf-16-be"
    return None
