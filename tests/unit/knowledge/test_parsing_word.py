"""Word (.docx) parsing: heading styles and outline levels, lists, tables, and bad packages."""

from __future__ import annotations

import io
import zipfile

import pytest

from domain.knowledge.parsed import BlockKind, FailureReason, ParsedText, ParseFailed, ParseLimits
from infra.knowledge.parsing import FileParser
from tests.unit.knowledge.documents import (
    compound_file,
    minimal_pdf,
    ooxml_package,
    sheet_with_empty_rows,
    word_document,
    word_document_of,
)

LIMITS = ParseLimits()


def parse(data: bytes, limits: ParseLimits = LIMITS) -> ParsedText:
    result = FileParser().parse(data, "docx", limits)
    assert isinstance(result, ParsedText)
    return result


def failure(data: bytes, limits: ParseLimits = LIMITS) -> ParseFailed:
    with pytest.raises(ParseFailed) as caught:
        FileParser().parse(data, "docx", limits)
    return caught.value


def test_headings_lists_and_tables_in_document_order() -> None:
    blocks = parse(word_document()).blocks

    assert [(b.kind, b.text, b.level, b.heading_path) for b in blocks] == [
        (BlockKind.HEADING, "年度报告", 1, ("年度报告",)),
        (BlockKind.PARAGRAPH, "前言：本报告介绍知识库。", 0, ("年度报告",)),
        (BlockKind.HEADING, "Chapter one", 1, ("Chapter one",)),
        (BlockKind.PARAGRAPH, "First paragraph of chapter one.", 0, ("Chapter one",)),
        (BlockKind.HEADING, "Section 1.1", 2, ("Chapter one", "Section 1.1")),
        (BlockKind.LIST, "- Apples\n- Pears", 0, ("Chapter one", "Section 1.1")),
        (BlockKind.PARAGRAPH, "After the list.", 0, ("Chapter one", "Section 1.1")),
        # The merged cell is one cell, not one per grid column it spans.
        (BlockKind.TABLE, "名称 | 数量 | 备注\n苹果 | 3 | \n梨 | 5 fresh", 0, ("Chapter one", "Section 1.1")),
        (BlockKind.HEADING, "Chapter two", 1, ("Chapter two",)),
        # A custom style that is a heading only by its outline level.
        (BlockKind.HEADING, "A heading by outline level", 2, ("Chapter two", "A heading by outline level")),
        (
            BlockKind.PARAGRAPH,
            "Body under the custom heading.",
            0,
            ("Chapter two", "A heading by outline level"),
        ),
    ]
    assert all(b.page is None for b in blocks)


def test_a_document_of_blank_paragraphs_is_empty() -> None:
    assert failure(word_document_of(["", "   ", "\t"])).reason is FailureReason.EMPTY


def test_text_beyond_the_limit_is_too_large() -> None:
    found = failure(word_document_of(["x" * 400, "y" * 400]), ParseLimits(max_text_chars=600))

    assert found.reason is FailureReason.TOO_LARGE


def test_a_password_protected_document_is_encrypted() -> None:
    found = failure(compound_file(["EncryptionInfo", "EncryptedPackage"]))

    assert found.reason is FailureReason.ENCRYPTED


def test_a_legacy_doc_file_is_mislabelled() -> None:
    found = failure(compound_file(["WordDocument", "1Table"]))

    assert found.reason is FailureReason.MISLABELLED
    assert ".doc" in found.detail


def test_a_pdf_named_docx_is_mislabelled() -> None:
    found = failure(minimal_pdf(1, page_text="x"))

    assert found.reason is FailureReason.MISLABELLED
    assert "PDF document" in found.detail


def test_a_workbook_named_docx_is_mislabelled() -> None:
    found = failure(sheet_with_empty_rows(0))

    assert found.reason is FailureReason.MISLABELLED
    assert "ZIP package but not a Word document" in found.detail


def test_a_macro_enabled_document_renamed_docx_is_mislabelled() -> None:
    with zipfile.ZipFile(io.BytesIO(word_document())) as archive:
        parts: dict[str, str | bytes] = {name: archive.read(name) for name in archive.namelist()}
    parts["[Content_Types].xml"] = bytes(parts["[Content_Types].xml"]).replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        b"application/vnd.ms-word.document.macroEnabled.main+xml",
    )

    assert failure(ooxml_package(parts)).reason is FailureReason.MISLABELLED


def test_a_truncated_document_is_broken() -> None:
    data = word_document()

    assert failure(data[: len(data) // 2]).reason is FailureReason.BROKEN


def test_text_that_is_not_a_zip_is_mislabelled() -> None:
    assert failure(b"just some words, not a Word file").reason is FailureReason.MISLABELLED
