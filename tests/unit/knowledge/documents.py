"""Real files for the parser tests, written by the libraries people's files come from (fpdf2,
python-docx, openpyxl, Pillow) or, where a case must be cheap or malformed on purpose (10,000
pages, a million empty rows, an encrypted Office container), byte by byte."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterable, Sequence

import docx
import openpyxl
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from fpdf import FPDF
from PIL import Image

LOREM = (
    "Knowledge bases hold the documents an agent answers from. Each document is parsed, cut into "
    "slices and indexed for search. "
)


# ------------------------------------------------------------------ PDF
def pdf_with_sections(
    sections: Sequence[tuple[int, str, str]], *, owner: str | None = None, user: str | None = None
) -> bytes:
    """One page per (outline level 0-based, heading, body) section, the heading also drawn on the page."""
    pdf = FPDF()
    for level, heading, body in sections:
        pdf.add_page()
        pdf.start_section(heading, level=level)
        pdf.set_font("Helvetica", "B", 16 - 2 * level)
        pdf.cell(text=heading)
        pdf.ln(12)
        pdf.set_font("Helvetica", size=11)
        pdf.multi_cell(w=0, text=body)
    if owner is not None:
        pdf.set_encryption(owner_password=owner, user_password=user or "")
    return bytes(pdf.output())


def minimal_pdf(pages: int, *, declared: int | None = None, page_text: str | None = None) -> bytes:
    """A hand-written PDF with `pages` pages (cheap for thousands) whose tree declares `declared`
    as its /Count; each page shows `page_text` in Helvetica, or nothing."""
    font = 3 + pages
    content = 4 + pages
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        (
            f"<< /Type /Pages /Count {pages if declared is None else declared} "
            f"/Kids [{' '.join(f'{3 + i} 0 R' for i in range(pages))}] >>"
        ).encode(),
    ]
    resources = f"/Resources << /Font << /F1 {font} 0 R >> >> /Contents {content} 0 R" if page_text else ""
    objects += [f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] {resources} >>".encode()] * pages
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    stream = f"BT /F1 12 Tf 20 250 Td ({page_text or ''}) Tj ET".encode()
    objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    return _pdf_file(objects)


def _pdf_file(objects: Sequence[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# ------------------------------------------------------------------ Word
def word_document() -> bytes:
    document = docx.Document()
    document.add_heading("年度报告", 0)  # the Title style
    document.add_paragraph("前言：本报告介绍知识库。")
    document.add_heading("Chapter one", 1)
    document.add_paragraph("First paragraph of chapter one.")
    document.add_heading("Section 1.1", 2)
    document.add_paragraph("Apples", style="List Bullet")
    document.add_paragraph("Pears", style="List Bullet")
    document.add_paragraph("After the list.")
    table = document.add_table(rows=3, cols=3)
    for row, values in zip(
        table.rows, (("名称", "数量", "备注"), ("苹果", "3", ""), ("梨", "5", "fresh")), strict=True
    ):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    merged = table.rows[2].cells[1].merge(table.rows[2].cells[2])
    merged.text = "5 fresh"
    document.add_heading("Chapter two", 1)
    custom = document.styles.add_style("Custom outline heading", WD_STYLE_TYPE.PARAGRAPH)
    outline = OxmlElement("w:outlineLvl")
    outline.set(qn("w:val"), "1")  # level 2
    custom.element.get_or_add_pPr().append(outline)
    document.add_paragraph("A heading by outline level", style=custom)
    document.add_paragraph("Body under the custom heading.")
    return _saved(document)


def word_document_of(paragraphs: Iterable[str]) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    return _saved(document)


def _saved(document: object) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)  # type: ignore[attr-defined]
    return buffer.getvalue()


# ------------------------------------------------------------------ Excel
def workbook(sheets: dict[str, Sequence[Sequence[object]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
    '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
    'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def sheet_with_empty_rows(
    empty_rows: int, *, styled: bool = True, data_after: bool = False, dimension: bool = True
) -> bytes:
    """An xlsx written as XML: a header and two data rows, then `empty_rows` rows holding only a
    formatted empty cell (what formatting a whole column leaves), under a dimension that claims
    the whole grid (or none). `data_after` puts one more data row after the empty ones."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main">',
        '<dimension ref="A1:XFD1048576"/><sheetData>' if dimension else "<sheetData>",
        _row(1, "name", "age"),
        _row(2, "ann", 31),
        _row(3, "bob", 42),
    ]
    empty = '<row r="{0}"><c r="A{0}" s="0"/></row>' if styled else '<row r="{0}"/>'
    parts.extend(empty.format(number) for number in range(4, 4 + empty_rows))
    if data_after:
        parts.append(_row(4 + empty_rows, "late", 7))
    parts.append("</sheetData></worksheet>")
    return ooxml_package(
        {
            "[Content_Types].xml": _CONTENT_TYPES,
            "_rels/.rels": _RELS,
            "xl/workbook.xml": _WORKBOOK,
            "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS,
            "xl/worksheets/sheet1.xml": "".join(parts),
        }
    )


def _row(number: int, *values: str | int) -> str:
    cells = "".join(
        f'<c r="{column}{number}" t="inlineStr"><is><t>{value}</t></is></c>'
        if isinstance(value, str)
        else f'<c r="{column}{number}"><v>{value}</v></c>'
        for column, value in zip("ABCDEFGHIJ", values, strict=False)
    )
    return f'<row r="{number}">{cells}</row>'


def ooxml_package(parts: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def with_zeros(package: bytes, name: str, size: int) -> bytes:
    """`package` with one more member of `size` zero bytes, streamed into the archive."""
    buffer = io.BytesIO(package)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive, archive.open(name, "w") as member:
        chunk = bytes(1024 * 1024)
        for _ in range(size // len(chunk)):
            member.write(chunk)
    return buffer.getvalue()


def understated(package: bytes, name: str) -> bytes:
    """`package` whose central directory says `name` expands to 10 bytes (a lying zip bomb)."""
    data = bytearray(package)
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        info = archive.getinfo(name)
    entry = _central_entry(data, name)
    struct.pack_into("<I", data, entry + 24, 10)  # uncompressed size
    assert info.file_size > 10
    return bytes(data)


def _central_entry(data: bytearray, name: str) -> int:
    position = data.find(b"PK\x01\x02")
    while position >= 0:
        length = struct.unpack_from("<H", data, position + 28)[0]
        if data[position + 46 : position + 46 + length] == name.encode():
            return position
        position = data.find(b"PK\x01\x02", position + 4)
    raise AssertionError(f"{name} not in the archive")


# ------------------------------------------------------------------ OLE (legacy and encrypted Office)
def compound_file(streams: Sequence[str]) -> bytes:
    """A minimal valid OLE compound file (MS-CFB, version 3) holding empty streams named
    `streams` (what an Office file encrypted with a password is: EncryptionInfo and
    EncryptedPackage streams), without their contents."""
    sector = 512
    end_of_chain, free, fat_sector = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    header = bytearray(sector)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIII", header, 40, 0, 1, 1, 0, 4096, end_of_chain, 0, end_of_chain)
    struct.pack_into("<I", header, 72, 0)  # FAT sector 0, the directory in sector 1
    header[76:sector] = struct.pack("<I", free) * ((sector - 76) // 4)
    fat = struct.pack("<II", fat_sector, end_of_chain) + struct.pack("<I", free) * (sector // 4 - 2)
    entries = [_directory_entry("Root Entry", 5, child=1 if streams else free)]
    for index, name in enumerate(streams):
        right = index + 2 if index + 1 < len(streams) else free
        entries.append(_directory_entry(name, 2, right=right))
    directory = b"".join(entries).ljust(sector, b"\x00")
    return bytes(header) + fat + directory


def _directory_entry(name: str, kind: int, *, child: int = 0xFFFFFFFF, right: int = 0xFFFFFFFF) -> bytes:
    encoded = name.encode("utf-16-le") + b"\x00\x00"
    entry = bytearray(128)
    entry[: len(encoded)] = encoded
    struct.pack_into("<HBB", entry, 64, len(encoded), kind, 1)
    struct.pack_into("<III", entry, 68, 0xFFFFFFFF, right, child)
    struct.pack_into("<IQ", entry, 116, 0xFFFFFFFE, 0)
    return bytes(entry)


# ------------------------------------------------------------------ images
def image(format: str, size: tuple[int, int] = (320, 200)) -> bytes:
    picture = Image.new("RGB", size, (20, 120, 220))
    for x in range(0, size[0], 9):
        for y in range(0, size[1], 7):
            picture.putpixel((x, y), (x % 256, y % 256, (x * y) % 256))
    buffer = io.BytesIO()
    picture.save(buffer, format)
    return buffer.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG that is only a signature, a header claiming `width` x `height` and an end chunk."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IEND", b"")
    )
