"""What every file type shares: unsupported types, size limits, empty and mislabelled files, zip
bombs, and no library exception ever escaping for damaged input."""

from __future__ import annotations

import random
import time

import pytest

from domain.knowledge.parsed import FailureReason, ParseFailed, ParseLimits
from infra.knowledge.parsing import SUPPORTED_TYPES, FileParser
from tests.unit.knowledge.documents import (
    image,
    minimal_pdf,
    ooxml_package,
    pdf_with_sections,
    sheet_with_empty_rows,
    understated,
    with_zeros,
    word_document,
    workbook,
)

LIMITS = ParseLimits()
MB = 1024 * 1024


def failure(data: bytes, file_type: str, limits: ParseLimits = LIMITS) -> ParseFailed:
    with pytest.raises(ParseFailed) as caught:
        FileParser().parse(data, file_type, limits)
    return caught.value


def samples() -> dict[str, bytes]:
    return {
        "pdf": pdf_with_sections([(0, "One", "Body text. " * 30), (1, "Two", "More text. " * 30)]),
        "docx": word_document(),
        "xlsx": workbook({"s": [["a", "b"], [1, "x"], [2, "y"]]}),
        "md": "# 标题\n\n- a\n- b\n\n正文".encode(),
        "txt": "第一段\n\nsecond".encode("gb18030"),
        "html": b"<html><head><title>t</title></head><body><h1>h</h1><p>p</p></body></html>",
        "csv": b"a,b\n1,2\n",
        "json": b'[{"a": 1}, {"a": 2}]',
        "jpg": image("JPEG"),
        "png": image("PNG"),
    }


@pytest.mark.parametrize("file_type", ["exe", "doc", "pptx", "", ".zip", "tar.gz"])
def test_unsupported_types(file_type: str) -> None:
    found = failure(b"anything", file_type)

    assert found.reason is FailureReason.UNSUPPORTED_TYPE
    assert "supported: " in found.detail


def test_file_type_is_an_extension_in_any_case() -> None:
    assert FileParser().parse(b"a,b\n1,2\n", ".CSV", LIMITS) == FileParser().parse(
        b"a,b\n1,2\n", "csv", LIMITS
    )


@pytest.mark.parametrize("file_type", sorted(SUPPORTED_TYPES))
def test_empty_bytes_are_empty(file_type: str) -> None:
    assert failure(b"", file_type).reason is FailureReason.EMPTY
    assert failure(b" \n\t ", file_type).reason is FailureReason.EMPTY


@pytest.mark.parametrize("file_type", sorted(SUPPORTED_TYPES))
def test_over_max_bytes_is_too_large_before_reading(file_type: str) -> None:
    found = failure(b"x" * 2001, file_type, ParseLimits(max_bytes=2000))

    assert found.reason is FailureReason.TOO_LARGE
    assert "2,001 bytes" in found.detail


@pytest.mark.parametrize(
    ("source", "file_type"),
    [
        ("png", "pdf"),
        ("pdf", "docx"),
        ("xlsx", "docx"),
        ("docx", "xlsx"),
        ("jpg", "png"),
        ("pdf", "txt"),
        ("png", "csv"),
        ("docx", "md"),
        ("xlsx", "json"),
        ("jpg", "html"),
        ("txt", "pdf"),
        ("csv", "xlsx"),
        ("html", "jpg"),
    ],
)
def test_bytes_that_are_another_format_are_mislabelled(source: str, file_type: str) -> None:
    assert failure(samples()[source], file_type).reason is FailureReason.MISLABELLED


def test_a_program_renamed_to_each_text_type_is_mislabelled() -> None:
    program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(range(256)) * 4
    for file_type in ("txt", "md", "html", "csv", "json"):
        found = failure(program, file_type)
        assert found.reason is FailureReason.MISLABELLED
        assert "Windows program" in found.detail


# ------------------------------------------------------------------ zip bombs
@pytest.fixture(scope="module")
def docx_bomb() -> bytes:
    """A valid docx plus a 200 MB member of zeros that deflates to a fifth of a megabyte."""
    return with_zeros(word_document(), "word/media/zeros.bin", 200 * MB)


def test_a_zip_bomb_fails_on_its_declared_ratio_without_inflating(docx_bomb: bytes) -> None:
    started = time.perf_counter()
    found = failure(docx_bomb, "docx")
    print(f"\n{len(docx_bomb):,}-byte docx declaring 200 MB refused in {time.perf_counter() - started:.4f} s")

    assert len(docx_bomb) < MB
    assert found.reason is FailureReason.TOO_LARGE
    assert "zip bomb" in found.detail


def test_a_zip_whose_declared_total_is_over_the_limit(docx_bomb: bytes) -> None:
    found = failure(docx_bomb, "docx", ParseLimits(max_expanded_bytes=100 * MB, max_expansion_ratio=10_000))

    assert found.reason is FailureReason.TOO_LARGE
    assert "expands to more than" in found.detail


def test_members_are_held_to_the_limit_while_they_inflate() -> None:
    # 40 MB of zeros inside the 512 MB budget by declaration, checked again as it is read.
    data = with_zeros(sheet_with_empty_rows(0), "xl/media/zeros.bin", 40 * MB)
    limits = ParseLimits(max_expanded_bytes=30 * MB, max_expansion_ratio=10_000)

    assert failure(data, "xlsx", limits).reason is FailureReason.TOO_LARGE


def test_a_member_that_inflates_past_its_declared_size_is_broken() -> None:
    # A lying bomb: the directory says 10 bytes; the stdlib stops there and the checksum fails.
    data = understated(with_zeros(word_document(), "word/media/zeros.bin", 20 * MB), "word/media/zeros.bin")

    assert failure(data, "docx").reason is FailureReason.BROKEN


def test_a_zip_that_is_not_office_at_all_is_mislabelled() -> None:
    found = failure(ooxml_package({"readme.txt": "hello"}), "xlsx")

    assert found.reason is FailureReason.MISLABELLED


# ------------------------------------------------------------------ damaged input never leaks
@pytest.mark.parametrize("file_type", sorted(set(SUPPORTED_TYPES) - {"markdown", "htm", "jpeg"}))
def test_damaged_files_fail_with_a_reason_or_parse(file_type: str) -> None:
    original = samples()[file_type]
    chance = random.Random(file_type)
    variants = [original[: len(original) * keep // 10] for keep in range(1, 10)]
    for _ in range(40):
        damaged = bytearray(original)
        for _ in range(chance.randint(1, 8)):
            damaged[chance.randrange(len(damaged))] = chance.randrange(256)
        variants.append(bytes(damaged))
    failures: list[ParseFailed] = []
    for data in variants:
        try:
            FileParser().parse(data, file_type, LIMITS)
        except ParseFailed as failed:  # anything else escaping fails the test
            failures.append(failed)
    assert failures
    assert all(failed.detail and failed.reason in FailureReason for failed in failures)


def test_every_sample_parses() -> None:
    for file_type, data in samples().items():
        assert FileParser().parse(data, file_type, LIMITS)


def test_the_minimal_pdf_helper_is_a_real_pdf() -> None:
    assert FileParser().parse(minimal_pdf(2, page_text="hi"), "pdf", LIMITS)
