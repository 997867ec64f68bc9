"""Gives every worksheet of an xlsx package a <dimension> element, so openpyxl does not parse a
whole sheet twice.

When opening a sheet read-only, openpyxl looks for the dimension by parsing the sheet until the
element or the end of <sheetData> turns up; without one (openpyxl's own write-only mode, some
exporters) that is the whole sheet, a million empty rows included, before the first row is read.
The parser ignores dimensions anyway (reset_dimensions), so a placeholder "A1" is enough."""

from __future__ import annotations

import io
import re
import zipfile

_HEAD = 64 * 1024
_CHUNK = 1024 * 1024
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b")
_SHEET_DATA = re.compile(rb"<(?:\w+:)?sheetData\b")
_WORKSHEET = re.compile(rb"<(?:(\w+):)?worksheet\b[^>]*>")


def with_dimensions(data: bytes) -> bytes:
    """`data` unchanged when every worksheet declares its dimension, else a copy where the ones
    that do not have a placeholder (members are copied as streams, never held whole)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        missing = {info.filename for info in archive.infolist() if _lacks_dimension(archive, info)}
        if not missing:
            return data
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as copy:
            for info in archive.infolist():
                with archive.open(info) as source, copy.open(info.filename, "w") as target:
                    chunk = source.read(_CHUNK)
                    if info.filename in missing:
                        chunk = _placeholder(chunk)
                    while chunk:
                        target.write(chunk)
                        chunk = source.read(_CHUNK)
    return buffer.getvalue()


def _lacks_dimension(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
        return False
    with archive.open(info) as source:
        head = source.read(_HEAD)
    data_at = _SHEET_DATA.search(head)
    dimension = _DIMENSION.search(head, 0, data_at.start() if data_at else len(head))
    return dimension is None and _WORKSHEET.search(head) is not None


def _placeholder(head: bytes) -> bytes:
    start = _WORKSHEET.search(head)
    if start is None:
        return head
    prefix = start.group(1)
    tag = b"<%s:dimension" % prefix if prefix else b"<dimension"
    return head[: start.end()] + tag + b' ref="A1"/>' + head[start.end() :]
