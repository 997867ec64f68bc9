"""What an upload is, decided from its first bytes and its extension (never the client's word).

The rules, in order:
1. an extension on the block list (programs, scripts, archives) is refused (4303);
2. bytes with a program or archive signature are refused (4303);
3. bytes with a known signature must be intact (else 4304) and, when the name has a known
   extension, of that extension's type (else 4304); without one the signature names the type;
4. text (UTF-8, or UTF-16 with a byte-order mark, without control characters) takes its type from
   a text extension, is text/plain under an unknown or missing one, and is refused (4304) under a
   binary type's extension;
5. anything else is an unknown binary (4303), or a broken file (4304) when its name claims a type.
"""

from __future__ import annotations

import codecs
import re
import struct
from dataclasses import dataclass

from domain.upload.errors import InvalidFile, UnsupportedFileType
from domain.upload.filetypes import BLOCKED_EXTENSIONS, BY_EXTENSION, BY_MIME, OOXML, PLAIN_TEXT, FileType
from domain.upload.names import extension

SNIFF_BYTES = 8192  # read before deciding; every signature below fits well inside
# C0 controls other than tab, line feed, vertical tab, form feed, carriage return and escape; DEL.
CONTROL = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


@dataclass(frozen=True, slots=True)
class Detected:
    file_type: FileType
    encoding: str | None = None  # text: the codec the whole body must decode with


@dataclass(frozen=True, slots=True)
class _Signature:
    candidates: tuple[str, ...]  # types these bytes may be; the first is the default
    broken: str | None = None  # why the header is not intact
    refused: str | None = None  # a program or an archive
    needs_name: str | None = None  # a container only a document extension may pick a type from


def detect(head: bytes, name: str, *, complete: bool) -> Detected:
    """The type of a file whose first bytes are `head` (all of it when `complete`)."""
    ext = extension(name)
    if ext in BLOCKED_EXTENSIONS:
        raise UnsupportedFileType(reason=f".{ext} files are not accepted")
    claimed = BY_EXTENSION.get(ext)
    # A UTF-16 byte-order mark looks like an MPEG frame sync: marked text is text.
    marked_text = head.startswith(_UTF16_BOMS) and text_encoding(head, complete=complete) is not None
    signature = None if marked_text else _signature(head)
    if signature is not None:
        if signature.refused:
            raise UnsupportedFileType(reason=signature.refused)
        if signature.broken:
            raise InvalidFile(reason=signature.broken)
        if claimed is not None:
            if claimed.mime not in signature.candidates:
                raise InvalidFile(reason=f"the content is not a .{ext} file")
            return Detected(claimed)
        if signature.needs_name or not signature.candidates:
            raise UnsupportedFileType(reason=signature.needs_name or "unsupported document format")
        return Detected(BY_MIME[signature.candidates[0]])
    encoding = text_encoding(head, complete=complete)
    if encoding is not None:
        if claimed is None:
            return Detected(PLAIN_TEXT, encoding)
        if claimed.is_text:
            return Detected(claimed, encoding)
        raise InvalidFile(reason=f"the content is text, not a .{ext} file")
    if claimed is not None:
        raise InvalidFile(reason=f"the content is not a .{ext} file")
    raise UnsupportedFileType(reason="unrecognised binary content")


def text_encoding(head: bytes, *, complete: bool) -> str | None:
    """The codec `head` decodes with as text, or None when it is not text."""
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif head.startswith(_UTF16_BOMS):
        encoding = "utf-16"
    else:
        encoding = "utf-8"
    try:
        text = codecs.getincrementaldecoder(encoding)().decode(head, final=complete)
    except UnicodeDecodeError:
        return None
    return None if CONTROL.search(text) else encoding


# ---------------------------------------------------------------- signatures
_PNG = b"\x89PNG\r\n\x1a\n"
_EXECUTABLES = (
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Mach-O universal binaries and Java classes alike
    b"\x00asm",
    b"dex\n",
)
_ARCHIVES = (
    b"\x1f\x8b",
    b"BZh",
    b"\xfd7zXZ\x00",
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!\x1a\x07",
    b"\x28\xb5\x2f\xfd",
    b"MSCF",
)
_ISO_MEDIA = ("video/mp4", "audio/mp4", "video/quicktime", "video/3gpp", "image/heic", "image/avif")
_ISO_BRANDS = {
    b"M4A ": "audio/mp4",
    b"M4B ": "audio/mp4",
    b"qt  ": "video/quicktime",
    b"heic": "image/heic",
    b"heix": "image/heic",
    b"mif1": "image/heic",
    b"msf1": "image/heic",
    b"avif": "image/avif",
    b"avis": "image/avif",
}
_OOXML_TYPES = (
    f"{OOXML}.wordprocessingml.document",
    f"{OOXML}.spreadsheetml.sheet",
    f"{OOXML}.presentationml.presentation",
)
_OLE_TYPES = ("application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint")
_BMP_HEADERS = frozenset({12, 40, 52, 56, 108, 124})


def _one(mime: str, broken: str | None = None) -> _Signature:
    return _Signature((mime,), broken)


def _signature(head: bytes) -> _Signature | None:
    for magic, mime in _SIMPLE:
        if head.startswith(magic):
            return _one(mime)
    for check in _CHECKS:
        found = check(head)
        if found is not None:
            return found
    return None


_SIMPLE = (
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"ID3", "audio/mpeg"),
    (b"OggS", "audio/ogg"),
    (b"fLaC", "audio/flac"),
    (b"#!AMR", "audio/amr"),
    (b"\x00\x00\x01\xba", "video/mpeg"),
    (b"\x00\x00\x01\xb3", "video/mpeg"),
)


def _programs(head: bytes) -> _Signature | None:
    if head.startswith(_EXECUTABLES) or (head.startswith(b"MZ") and _binary(head[:512])):
        return _Signature((), refused="executable programs are not accepted")
    if head.startswith(_ARCHIVES) or head[257:262] == b"ustar":
        return _Signature((), refused="archives are not accepted")
    return None


def _png(head: bytes) -> _Signature | None:
    if not head.startswith(_PNG):
        return None
    intact = len(head) >= 24 and head[12:16] == b"IHDR" and _dimensions(head[16:24], ">II")
    return _one("image/png", None if intact else "broken PNG header")


def _jpeg(head: bytes) -> _Signature | None:
    if not head.startswith(b"\xff\xd8\xff"):
        return None
    return _one("image/jpeg", None if len(head) >= 4 and head[3] >= 0xC0 else "broken JPEG header")


def _gif(head: bytes) -> _Signature | None:
    if not head.startswith((b"GIF87a", b"GIF89a")):
        return None
    intact = len(head) >= 13 and _dimensions(head[6:10], "<HH")
    return _one("image/gif", None if intact else "broken GIF header")


def _bmp(head: bytes) -> _Signature | None:
    # "BM" also starts plain words: only a well-formed header counts as a bitmap.
    if head.startswith(b"BM") and len(head) >= 26 and struct.unpack("<I", head[14:18])[0] in _BMP_HEADERS:
        return _one("image/bmp")
    return None


def _riff(head: bytes) -> _Signature | None:
    if not head.startswith(b"RIFF"):
        return None
    if head[8:12] == b"WEBP":
        return _one("image/webp", None if head[12:15] == b"VP8" else "broken WebP header")
    kind = {b"WAVE": "audio/wav", b"AVI ": "video/x-msvideo"}.get(head[8:12])
    return None if kind is None else _one(kind)


def _iso_media(head: bytes) -> _Signature | None:
    if head[4:8] != b"ftyp":
        return None
    default = _ISO_BRANDS.get(head[8:12], "video/3gpp" if head[8:11] == b"3gp" else "video/mp4")
    return _Signature((default, *(m for m in _ISO_MEDIA if m != default)))


def _mpeg_audio(head: bytes) -> _Signature | None:
    if len(head) < 2 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return None
    # MPEG audio frame sync: layer bits 00 are AAC in an ADTS stream, the others MP3.
    return _one("audio/aac" if head[1] & 0x06 == 0 else "audio/mpeg")


def _matroska(head: bytes) -> _Signature | None:
    if not head.startswith(b"\x1a\x45\xdf\xa3"):
        return None
    if b"webm" in head[:64]:
        return _Signature(("video/webm", "audio/webm"))
    return _one("video/x-matroska")


def _pdf(head: bytes) -> _Signature | None:
    if not head.startswith(b"%PDF-"):
        return None
    return _one("application/pdf", None if re.match(rb"%PDF-\d\.\d", head) else "broken PDF header")


def _ole(head: bytes) -> _Signature | None:
    if not head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return None
    # Installers are OLE files too: only a .doc, .xls or .ppt name makes one a document.
    return _Signature(_OLE_TYPES, needs_name="only .doc, .xls and .ppt files of this format are accepted")


def _zip(head: bytes) -> _Signature | None:
    if not head.startswith(b"PK\x03\x04"):
        return None
    # OpenDocument and EPUB store their type uncompressed as the first entry, "mimetype".
    if head[30:38] == b"mimetype":
        declared = head[38:120].split(b"PK", 1)[0].decode("ascii", "replace")
        return _Signature((declared,)) if declared in BY_MIME else _Signature(())
    return _Signature(_OOXML_TYPES, needs_name="archives are not accepted")


_CHECKS = (_programs, _png, _jpeg, _gif, _bmp, _riff, _iso_media, _mpeg_audio, _matroska, _pdf, _ole, _zip)


def _dimensions(raw: bytes, layout: str) -> bool:
    width, height = struct.unpack(layout, raw)
    return bool(width and height)


def _binary(sample: bytes) -> bool:
    return any(b < 0x09 for b in sample)
