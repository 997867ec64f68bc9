"""Small but well-formed files of the kinds uploads meet, built in memory."""

from __future__ import annotations

import gzip
import io
import random
import struct
import zipfile
import zlib

# Seeded, so that every pytest-xdist worker collects the same parametrisations (ids show the bytes).
_RANDOM = random.Random(2026)


def _noise(size: int) -> bytes:
    return _RANDOM.randbytes(size)


def _entry(name: str) -> zipfile.ZipInfo:
    """A zip entry with a fixed date (writestr with a name stamps the current time)."""
    return zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))


def png(width: int = 2, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def jpeg() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + _noise(200) + b"\xff\xd9"


def gif() -> bytes:
    palette = b"\xff\xff\xff\x00\x00\x00"
    image = b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00"
    return b"GIF89a\x01\x00\x01\x00\x80\x00\x00" + palette + image + b";"


def webp() -> bytes:
    body = b"WEBPVP8 " + struct.pack("<I", 10) + _noise(10)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def bmp() -> bytes:
    pixels = b"\x00\x00\xff\x00"
    header = struct.pack("<IiiHHIIiiII", 40, 1, 1, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
    return b"BM" + struct.pack("<IHHI", 14 + len(header) + len(pixels), 0, 0, 54) + header + pixels


def pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def wav() -> bytes:
    fmt = b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, 8000, 8000, 1, 8)
    data = b"data" + struct.pack("<I", 8) + b"\x80" * 8
    return b"RIFF" + struct.pack("<I", 4 + len(fmt) + len(data)) + b"WAVE" + fmt + data


def mp3() -> bytes:
    return b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" + _noise(400)


def mp4(brand: bytes = b"isom") -> bytes:
    return struct.pack(">I", 24) + b"ftyp" + brand + b"\x00\x00\x02\x00" + brand + b"mp41" + _noise(64)


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(_entry("[Content_Types].xml"), '<?xml version="1.0"?><Types/>')
        z.writestr(_entry("word/document.xml"), "<w:document/>")
    return out.getvalue()


def odt() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(_entry("mimetype"), "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
        z.writestr(_entry("content.xml"), "<office:document-content/>")
    return out.getvalue()


def zip_archive() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(_entry("notes.txt"), "hello")
    return out.getvalue()


def gzip_archive() -> bytes:
    return gzip.compress(b"hello " * 100, mtime=0)


def elf() -> bytes:
    return b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + _noise(200)


def windows_exe() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44 + b"PE\x00\x00"


def random_binary(size: int = 4096) -> bytes:
    data = bytearray(_noise(size))
    data[0:4] = b"\x00\x01\x02\x03"  # no signature by accident
    return bytes(data)


def text(size: int = 100) -> bytes:
    line = "cozeplus uploads 上传 文件 ✓\n".encode()
    return (line * (size // len(line) + 1))[:size].rsplit(b"\n", 1)[0] + b"\n"
