"""File names and type detection: the allow-list, the block list, and claims that do not hold."""

from __future__ import annotations

import codecs

import pytest

from domain.upload.detection import SNIFF_BYTES, detect
from domain.upload.errors import EmptyUpload, FileTooLarge, InvalidFile, UnsupportedFileType
from domain.upload.intake import Intake
from domain.upload.names import MAX_NAME_BYTES, extension, file_name
from tests.support import files


def kind(data: bytes, name: str) -> str:
    head = data[:SNIFF_BYTES]
    return detect(head, name, complete=len(data) <= SNIFF_BYTES).file_type.mime


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\Desktop\\photo.PNG", "photo.PNG"),
        ("  spaced   out  name .txt ", "spaced out name .txt"),
        ("evil\u202etxt.exe", "eviltxt.exe"),  # the bidi override that shows it as "exe.txt"
        ("new\nline\tand\x00nul.md", "newlineandnul.md"),
        ('a<b>c:d"e|f?g*h.csv', "abcdefgh.csv"),
        ("...hidden.", "hidden"),
        ("文件名.docx", "文件名.docx"),
        ("cafe\u0301.txt", "café.txt"),  # NFC
    ],
)
def test_names_are_reduced_to_a_safe_base_name(raw: str, expected: str) -> None:
    assert file_name(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "   ", "/", "a/b/", "..", "\x00\x01", "\u202e", "C:\\dir\\"])
def test_names_with_nothing_left_are_invalid(raw: str | None) -> None:
    with pytest.raises(InvalidFile):
        file_name(raw)


def test_long_names_keep_their_extension_within_255_bytes() -> None:
    name = file_name("长" * 200 + ".pdf")
    assert name.endswith(".pdf")
    assert len(name.encode()) <= MAX_NAME_BYTES
    name.encode().decode()  # no broken character at the cut


@pytest.mark.parametrize(
    ("name", "ext"),
    [
        ("a.PDF", "pdf"),
        ("archive.tar.gz", "gz"),
        ("noext", ""),
        (".pdf", ""),
        ("a.", ""),
        ("a.toolongextension", ""),
    ],
)
def test_extension(name: str, ext: str) -> None:
    assert extension(name) == ext


@pytest.mark.parametrize(
    ("data", "name", "mime"),
    [
        (files.png(), "a.png", "image/png"),
        (files.png(), "upload", "image/png"),  # cozepy's name for bare bytes: the bytes decide
        (files.jpeg(), "a.jpeg", "image/jpeg"),
        (files.jpeg(), "a.JPG", "image/jpeg"),
        (files.gif(), "a.gif", "image/gif"),
        (files.webp(), "a.webp", "image/webp"),
        (files.bmp(), "a.bmp", "image/bmp"),
        (files.pdf(), "a.pdf", "application/pdf"),
        (files.pdf(), "no-extension", "application/pdf"),
        (files.wav(), "a.wav", "audio/wav"),
        (files.mp3(), "a.mp3", "audio/mpeg"),
        (files.mp4(), "a.mp4", "video/mp4"),
        (files.mp4(), "a.m4a", "audio/mp4"),  # one container, the extension picks the kind
        (files.mp4(b"qt  "), "clip", "video/quicktime"),
        (files.docx(), "a.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (files.docx(), "a.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (files.odt(), "a.odt", "application/vnd.oasis.opendocument.text"),
        (files.odt(), "upload", "application/vnd.oasis.opendocument.text"),
        (files.text(), "a.txt", "text/plain"),
        (files.text(), "a.md", "text/markdown"),
        (b"a,b\n1,2\n", "a.csv", "text/csv"),
        (b'{"a": 1}', "a.json", "application/json"),
        (files.text(), "upload", "text/plain"),
        (b"<html><script>alert(1)</script></html>", "page.html", "text/plain"),  # never served as HTML
        (b"<svg onload='alert(1)'/>", "a.svg", "text/plain"),
        (b"print('hi')\n", "script.py", "text/plain"),
        (b"BMW is a car\n", "cars.txt", "text/plain"),  # "BM" alone is not a bitmap
        (codecs.BOM_UTF16_LE + "hello 你好".encode("utf-16-le"), "a.txt", "text/plain"),
        (codecs.BOM_UTF8 + b"hello", "a.txt", "text/plain"),
    ],
)
def test_allowed_types_are_detected(data: bytes, name: str, mime: str) -> None:
    assert kind(data, name) == mime


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (files.elf(), "tool"),
        (files.elf(), "tool.png"),
        (files.windows_exe(), "setup"),
        (files.png(), "setup.exe"),  # a blocked extension wins over harmless bytes
        (files.text(), "run.sh"),
        (files.text(), "run.bat"),
        (files.zip_archive(), "a.zip"),
        (files.zip_archive(), "upload"),
        (files.gzip_archive(), "a.txt.gz"),
        (files.gzip_archive(), "data"),
        (files.random_binary(), "data.bin"),
        (files.random_binary(), "data"),
        (files.random_binary(), "data.xyz"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "installer"),
    ],
)
def test_programs_archives_and_unknown_binaries_are_unsupported(data: bytes, name: str) -> None:
    with pytest.raises(UnsupportedFileType):
        kind(data, name)


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (files.png(), "photo.jpg"),  # content is not what the name says
        (files.pdf(), "notes.txt"),
        (files.text(), "photo.png"),
        (files.text(), "report.pdf"),
        (files.random_binary(), "report.pdf"),
        (files.random_binary(), "notes.txt"),
        (files.zip_archive(), "a.pdf"),
        (b"\x89PNG\r\n\x1a\n" + b"garbage-no-ihdr-chunk-here", "a.png"),  # broken header
        (b"\x89PNG\r\n\x1a\n", "upload"),
        (b"GIF89a\x00\x00\x00\x00", "a.gif"),  # zero width
        (b"%PDF-x", "a.pdf"),
        (b"RIFF\x10\x00\x00\x00WEBPjunk", "a.webp"),
        (files.odt(), "a.docx"),
    ],
)
def test_content_that_does_not_match_is_invalid(data: bytes, name: str) -> None:
    with pytest.raises(InvalidFile):
        kind(data, name)


def test_text_is_checked_to_the_end() -> None:
    detected = detect(files.text(SNIFF_BYTES), "a.txt", complete=False)
    intake = Intake(detected, limit=10**6)
    intake.feed(files.text(SNIFF_BYTES))
    with pytest.raises(InvalidFile):
        intake.feed(b"more text then \x00\x00 binary")


def test_text_ending_in_a_broken_character_is_invalid() -> None:
    detected = detect(b"abc", "a.txt", complete=False)
    intake = Intake(detected, limit=100)
    intake.feed(b"abc" + "语".encode()[:2])
    with pytest.raises(InvalidFile):
        intake.finish()


def test_intake_counts_hashes_and_limits() -> None:
    detected = detect(files.pdf(), "a.pdf", complete=True)
    intake = Intake(detected, limit=100)
    intake.feed(files.pdf())
    intake.finish()
    assert intake.size == len(files.pdf())
    assert len(intake.sha256) == 64
    over = Intake(detected, limit=10)
    with pytest.raises(FileTooLarge):
        over.feed(b"x" * 11)
    with pytest.raises(EmptyUpload):
        Intake(detected, limit=10).finish()
