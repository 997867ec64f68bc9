"""File names from clients: reduced to a safe base name before anything else looks at them."""

from __future__ import annotations

import re
import unicodedata

from domain.upload.errors import InvalidFile

MAX_NAME_BYTES = 255  # what common file systems allow for one name
_EXTENSION = re.compile(r"^[a-z0-9]{1,10}$")
# Characters no file system or shell should see in a name shown back to people.
_RESERVED = frozenset('<>:"|?*')


def file_name(raw: str | None) -> str:
    """The base name of `raw`: no folders, no control or format characters (bidi overrides that
    disguise `exe.txt`), no reserved characters, no leading or trailing dots and spaces, at most
    255 UTF-8 bytes with the extension kept. InvalidFile when nothing is left."""
    text = unicodedata.normalize("NFC", raw or "")
    text = re.split(r"[/\\]", text)[-1]
    kept = []
    for ch in text:
        category = unicodedata.category(ch)
        if category.startswith("C") or ch in _RESERVED:
            continue
        kept.append(" " if category.startswith("Z") else ch)
    name = " ".join("".join(kept).split()).strip(". ")
    if not name:
        raise InvalidFile(reason="the file name is empty once path and control characters are removed")
    return _shortened(name)


def extension(name: str) -> str:
    """The lower-case extension without the dot, or "" when the name has none (or an odd one)."""
    stem, dot, suffix = name.rpartition(".")
    suffix = suffix.lower()
    return suffix if dot and stem and _EXTENSION.match(suffix) else ""


def _shortened(name: str) -> str:
    if len(name.encode()) <= MAX_NAME_BYTES:
        return name
    suffix = extension(name)
    tail = f".{suffix}" if suffix else ""
    stem = name[: len(name) - len(tail)]
    budget = MAX_NAME_BYTES - len(tail.encode())
    stem = stem.encode()[:budget].decode(errors="ignore").rstrip(". ")
    return stem + tail
