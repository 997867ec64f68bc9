"""What a file's first bytes say it is, so a parser can refuse bytes that are not its format
(a .pdf that is a PNG, an .exe renamed .txt) with MISLABELLED before a library guesses at them."""

from __future__ import annotations

from collections.abc import Callable

from domain.knowledge.parsed import FailureReason, ParseFailed

PDF = "a PDF document"
PNG = "a PNG image"
JPEG = "a JPEG image"
ZIP = "a ZIP archive"
OLE = "a legacy Office (OLE) file"

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"PK\x03\x04", ZIP),
    (b"PK\x05\x06", ZIP),  # an empty archive
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", OLE),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x7fELF", "a Linux program"),
    (b"\xcf\xfa\xed\xfe", "a macOS program"),
    (b"\xca\xfe\xba\xbe", "a macOS program or Java class"),
    (b"\x00asm", "a WebAssembly module"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x28\xb5\x2f\xfd", "a zstd archive"),
    (b"OggS", "an Ogg media file"),
    (b"fLaC", "a FLAC file"),
)
# Signatures that need more than a prefix. Magic words that are also plain letters ("BZh", "ID3")
# count only with the bytes that follow them.
_SHAPES: tuple[tuple[Callable[[bytes], bool], str], ...] = (
    (lambda data: data.startswith(b"MZ") and b"\x00" in data[2:64], "a Windows program"),
    (lambda data: data[4:8] == b"ftyp", "an MP4 or QuickTime media file"),
    (
        lambda data: data.startswith(b"RIFF") and data[8:12] in (b"WEBP", b"WAVE", b"AVI "),
        "a RIFF media file (WebP, WAV or AVI)",
    ),
    (lambda data: data[257:262] == b"ustar", "a tar archive"),
    (
        lambda data: data.startswith(b"BZh") and data[3:4].isdigit() and data[4:10] == b"1AY&SY",
        "a bzip2 archive",
    ),
    (lambda data: data.startswith(b"ID3") and data[3:4] in (b"\x02", b"\x03", b"\x04"), "an MP3 file"),
)
# PDF readers accept the header anywhere in the first kilobyte (some generators write junk first).
_PDF_HEADER_WINDOW = 1024


def sniff(data: bytes) -> str | None:
    """A person's name for the binary format `data` starts with, or None when none is known."""
    for magic, name in _SIGNATURES:
        if data.startswith(magic):
            return name
    return next((name for matches, name in _SHAPES if matches(data)), None)


def require(data: bytes, expected: str, file_type: str) -> None:
    """Fail MISLABELLED unless `data` starts like `expected` (one of the names above)."""
    found = sniff(data)
    if found == expected or (expected == PDF and found is None and b"%PDF-" in data[:_PDF_HEADER_WINDOW]):
        return
    what = f"the content is {found}" if found else f"the content is not {expected}"
    raise ParseFailed(FailureReason.MISLABELLED, f"{what}, not a .{file_type} file")


def refuse_binary(data: bytes, file_type: str) -> None:
    """For text formats: fail MISLABELLED when the bytes start like a known binary format."""
    found = sniff(data)
    if found is not None:
        raise ParseFailed(FailureReason.MISLABELLED, f"the content is {found}, not a .{file_type} file")
