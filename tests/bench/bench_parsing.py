"""How long the parsers take on large files: `python -m tests.bench.bench_parsing`.

Knobs: COZEPLUS_BENCH_MB (default 10) sizes each
file; COZEPLUS_BENCH_TYPES (default all) is a comma-separated subset of pdf,txt,md,html,csv,docx,
xlsx. Each file is generated first (not timed), then parsed once; the figures are printed."""

from __future__ import annotations

import io
import os
import random
import resource
import time
from collections.abc import Callable

import docx
import openpyxl

from domain.knowledge.parsed import ParsedTable, ParsedText, ParseLimits
from infra.knowledge.parsing import FileParser

VOCABULARY = (
    "the knowledge base holds documents an agent answers from each is parsed cut into slices "
    "indexed for search retrieval ranks them by meaning and by words 知识库 文档 切片 检索 向量"
)
WORDS = VOCABULARY.split()
MB = 1024 * 1024


def sentence(chance: random.Random, words: int) -> str:
    return " ".join(chance.choice(WORDS) for _ in range(words)).capitalize() + "."


def text_file(size: int, chance: random.Random) -> bytes:
    parts: list[str] = []
    total = 0
    while total < size:
        paragraph = " ".join(sentence(chance, 14) for _ in range(6)) + "\n\n"
        parts.append(paragraph)
        total += len(paragraph.encode())
    return "".join(parts).encode()


def markdown_file(size: int, chance: random.Random) -> bytes:
    parts: list[str] = []
    total, section = 0, 0
    while total < size:
        section += 1
        block = f"## Section {section}\n\n" + " ".join(sentence(chance, 14) for _ in range(6))
        block += "\n\n- " + "\n- ".join(sentence(chance, 6) for _ in range(4)) + "\n\n"
        parts.append(block)
        total += len(block.encode())
    return "".join(parts).encode()


def html_file(size: int, chance: random.Random) -> bytes:
    parts = ["<html><head><title>Bench</title><script>var x = 1;</script></head><body><nav>menu</nav>"]
    total, section = 0, 0
    while total < size:
        section += 1
        block = f"<h2>Section {section}</h2>" + "".join(
            f"<p>{sentence(chance, 14)} <a href='/x'>link</a> <b>{sentence(chance, 3)}</b></p>"
            for _ in range(5)
        )
        block += "<ul>" + "".join(f"<li>{sentence(chance, 5)}</li>" for _ in range(4)) + "</ul>"
        parts.append(block)
        total += len(block.encode())
    return ("".join(parts) + "<footer>f</footer></body></html>").encode()


def csv_file(size: int, chance: random.Random) -> bytes:
    lines = ["id,name,score,joined,note"]
    total, number = 0, 0
    while total < size:
        number += 1
        line = (
            f"{number},{chance.choice(WORDS)},{chance.random() * 100:.2f},"
            f"2024-05-{number % 28 + 1:02d},{sentence(chance, 22)}"
        )
        lines.append(line)
        total += len(line) + 1
    return ("\n".join(lines) + "\n").encode()


def pdf_file(size: int, chance: random.Random) -> bytes:
    """A hand-written PDF of dense pages (75 lines of Helvetica each, uncompressed streams as many
    office exporters write them) until `size` bytes; fpdf2 would take a minute for the same."""
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, once the pages are known
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    kids: list[int] = []
    total = 0
    ascii_words = [word for word in WORDS if word.isascii()]
    while total < size:
        lines = [" ".join(chance.choice(ascii_words) for _ in range(15)) for _ in range(75)]
        stream = ("BT /F1 8 Tf 10 TL 36 800 Td " + " ".join(f"({line}) '" for line in lines) + " ET").encode()
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        content = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
            b"/Contents %d 0 R >>" % content
        )
        kids.append(len(objects))
        total += len(stream) + 200
    objects[1] = b"<< /Type /Pages /Count %d /Kids [%s] >>" % (
        len(kids),
        b" ".join(b"%d 0 R" % k for k in kids),
    )
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


def docx_file(size: int, chance: random.Random) -> bytes:
    document = docx.Document()
    total, section = 0, 0
    while total < size:
        section += 1
        document.add_heading(f"Section {section}", 1 + section % 2)
        for _ in range(5):
            text = " ".join(sentence(chance, 14) for _ in range(4))
            document.add_paragraph(text)
            total += len(text.encode()) + 60  # paragraph XML around the text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_file(size: int, chance: random.Random) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("data")
    sheet.append(["id", "name", "score", "note"])
    total, number = 0, 0
    while total < size and number < 99_000:
        number += 1
        note = sentence(chance, 22)
        sheet.append([number, chance.choice(WORDS), chance.random() * 100, note])
        total += len(note) // 3  # shared strings and deflate: about a third of the text
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GENERATORS: dict[str, Callable[[int, random.Random], bytes]] = {
    "pdf": pdf_file,
    "txt": text_file,
    "md": markdown_file,
    "html": html_file,
    "csv": csv_file,
    "docx": docx_file,
    "xlsx": xlsx_file,
}


def main() -> None:
    size = int(float(os.environ.get("COZEPLUS_BENCH_MB", "10")) * MB)
    chosen = os.environ.get("COZEPLUS_BENCH_TYPES", ",".join(GENERATORS)).split(",")
    parser, limits = FileParser(), ParseLimits()
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    for file_type in chosen:
        data = GENERATORS[file_type](size, random.Random(file_type))
        started, cpu_started = time.perf_counter(), time.process_time()
        result = parser.parse(data, file_type, limits)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        if isinstance(result, ParsedText):
            what = f"{len(result.blocks):,} blocks, {sum(len(b.text) for b in result.blocks):,} chars"
            what += f", {result.pages:,} pages" if result.pages else ""
        elif isinstance(result, ParsedTable):
            what = f"{len(result.rows):,} rows x {len(result.columns)} columns"
        else:
            what = str(result)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        size_mb = len(data) / MB
        print(
            f"{file_type:5} {size_mb:6.1f} MB  {elapsed:6.2f} s wall  {cpu:6.2f} s CPU  {what}  "
            f"(peak RSS so far {peak:,.0f} MB)"
        )


if __name__ == "__main__":
    main()
