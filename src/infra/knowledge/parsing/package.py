"""Office Open XML packages (docx, xlsx) checked before a library opens them: a ZIP, not a legacy
or password-protected OLE file, the right kind of document, and no zip bomb.

The sizes the archive declares are checked first (cheap, and the stdlib never inflates a member
past its declared size); then every member is inflated once, counted and CRC-checked, so a lying
or corrupt archive fails here with a clear reason rather than deep inside python-docx or openpyxl.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from domain.knowledge.parsed import FailureReason, ParseFailed, ParseLimits
from infra.knowledge.parsing.signatures import OLE, ZIP, sniff

MAX_MEMBERS = 10_000
# The expansion ratio is a bomb's signature only on members of some size: a few kilobytes of
# repetitive XML may legitimately deflate 500 times.
RATIO_FLOOR = 1024 * 1024
_CHUNK = 1024 * 1024
_CONTENT_TYPES = "[Content_Types].xml"
# An encrypted Office file is an OLE compound file with these streams (MS-OFFCRYPTO); directory
# entry names are UTF-16 LE.
_ENCRYPTED_STREAMS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))


def check_package(
    data: bytes, file_type: str, main_types: tuple[str, ...], what: str, limits: ParseLimits
) -> None:
    """Fail unless `data` is a sane OOXML package whose main part has one of `main_types` (the
    content type that tells a Word document from a workbook, whatever the part is named)."""
    found = sniff(data)
    if found == OLE:
        if any(name in data for name in _ENCRYPTED_STREAMS):
            raise ParseFailed(FailureReason.ENCRYPTED, f"the {what} is password-protected")
        raise ParseFailed(
            FailureReason.MISLABELLED,
            f"the content is {OLE} (.doc/.xls), not a .{file_type} file: save it in the newer format",
        )
    if found != ZIP:
        what_it_is = f"the content is {found}" if found else "the content is not a ZIP package"
        raise ParseFailed(FailureReason.MISLABELLED, f"{what_it_is}, not a .{file_type} file")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise ParseFailed(FailureReason.BROKEN, f"the {what} is not a readable ZIP package ({exc})") from None
    with archive:
        members = archive.infolist()
        _check_declared(members, what, limits)
        if not any(f'ContentType="{kind}"'.encode() in _content_types(archive) for kind in main_types):
            raise ParseFailed(
                FailureReason.MISLABELLED, f"the content is a ZIP package but not a {what} (.{file_type})"
            )
        _check_inflated(archive, members, what, limits)


def _content_types(archive: zipfile.ZipFile) -> bytes:
    try:
        with archive.open(_CONTENT_TYPES) as stream:
            return stream.read(_CHUNK)
    except KeyError:
        return b""  # not an Office package at all
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise ParseFailed(FailureReason.BROKEN, f"the package's {_CONTENT_TYPES} is damaged: {exc}") from None


def _check_declared(members: list[zipfile.ZipInfo], what: str, limits: ParseLimits) -> None:
    if len(members) > MAX_MEMBERS:
        raise ParseFailed(FailureReason.TOO_LARGE, f"the {what} has more than {MAX_MEMBERS:,} parts")
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise ParseFailed(FailureReason.ENCRYPTED, f"the {what} has encrypted parts")
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            # Office writes only these; others (bzip2, lzma) inflate without a bound per read.
            raise ParseFailed(
                FailureReason.BROKEN, f"the {what} uses a compression method Office never writes"
            )
        _check_ratio(member.filename, member.file_size, member.compress_size, what, limits)
        total += member.file_size
        if total > limits.max_expanded_bytes:
            raise ParseFailed(FailureReason.TOO_LARGE, _too_large(what, limits))


def _check_inflated(
    archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], what: str, limits: ParseLimits
) -> None:
    total = 0
    for member in members:
        size = 0
        try:
            with archive.open(member) as stream:
                while chunk := stream.read(_CHUNK):
                    size += len(chunk)
                    total += len(chunk)
                    if total > limits.max_expanded_bytes:
                        raise ParseFailed(FailureReason.TOO_LARGE, _too_large(what, limits))
                    _check_ratio(member.filename, size, member.compress_size, what, limits)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError) as exc:
            raise ParseFailed(
                FailureReason.BROKEN, f"the {what} is damaged: {member.filename}: {exc}"
            ) from None


def _check_ratio(name: str, expanded: int, compressed: int, what: str, limits: ParseLimits) -> None:
    if expanded > RATIO_FLOOR and expanded > limits.max_expansion_ratio * max(compressed, 1):
        raise ParseFailed(
            FailureReason.TOO_LARGE,
            f"the {what} looks like a zip bomb: {name} expands more than {limits.max_expansion_ratio} times",
        )


def _too_large(what: str, limits: ParseLimits) -> str:
    return f"the {what} expands to more than {limits.max_expanded_bytes:,} bytes"
