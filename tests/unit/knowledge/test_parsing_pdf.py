"""PDF parsing: pages, outline headings, encryption, page limits, damage."""

from __future__ import annotations

import time

import pytest

from domain.knowledge.parsed import BlockKind, FailureReason, ParsedText, ParseFailed, ParseLimits
from infra.knowledge.parsing import FileParser
from tests.unit.knowledge.documents import LOREM, image, minimal_pdf, pdf_with_sections

LIMITS = ParseLimits()
SECTIONS = [
    (0, "Introduction", LOREM * 3),
    (1, "Scope", "What the platform covers. " * 20),
    (1, "Terms", "Agent, workflow, plugin. " * 20),
    (0, "Indexing", "Documents are embedded in batches. " * 20),
    (1, "Retries", "Failures are retried with backoff. " * 20),
]


def parse(data: bytes, limits: ParseLimits = LIMITS) -> ParsedText:
    result = FileParser().parse(data, "pdf", limits)
    assert isinstance(result, ParsedText)
    return result


def failure(data: bytes, limits: ParseLimits = LIMITS) -> ParseFailed:
    with pytest.raises(ParseFailed) as caught:
        FileParser().parse(data, "pdf", limits)
    return caught.value


def test_pages_and_headings_from_the_outline() -> None:
    parsed = parse(pdf_with_sections(SECTIONS))

    assert parsed.pages == 5
    headings = [
        (b.text, b.level, b.page, b.heading_path) for b in parsed.blocks if b.kind is BlockKind.HEADING
    ]
    assert headings == [
        ("Introduction", 1, 1, ("Introduction",)),
        ("Scope", 2, 2, ("Introduction", "Scope")),
        ("Terms", 2, 3, ("Introduction", "Terms")),
        ("Indexing", 1, 4, ("Indexing",)),
        ("Retries", 2, 5, ("Indexing", "Retries")),
    ]
    body = [b for b in parsed.blocks if b.kind is BlockKind.PARAGRAPH]
    assert [b.page for b in body] == [1, 2, 3, 4, 5]
    assert body[4].heading_path == ("Indexing", "Retries")
    assert "Failures are retried with backoff." in body[4].text
    # The heading drawn on the page is not repeated inside its body text.
    assert not body[0].text.startswith("Introduction")


def test_a_pdf_without_outline_keeps_pages_and_no_headings() -> None:
    parsed = parse(minimal_pdf(3, page_text="plain page text"))

    assert parsed.pages == 3
    assert [(b.text, b.page, b.heading_path) for b in parsed.blocks] == [
        ("plain page text", 1, ()),
        ("plain page text", 2, ()),
        ("plain page text", 3, ()),
    ]


def test_an_owner_password_alone_does_not_stop_reading() -> None:
    parsed = parse(pdf_with_sections(SECTIONS[:1], owner="owner-secret"))

    assert parsed.blocks[0].text == "Introduction"


def test_a_user_password_is_encrypted() -> None:
    found = failure(pdf_with_sections(SECTIONS[:1], owner="owner-secret", user="user-secret"))

    assert found.reason is FailureReason.ENCRYPTED
    assert "password" in found.detail


def test_ten_thousand_pages_fail_on_the_declared_count_at_once() -> None:
    data = minimal_pdf(10_000)
    started = time.perf_counter()
    found = failure(data)
    print(f"\n10,000-page PDF ({len(data):,} bytes) refused in {time.perf_counter() - started:.3f} s")

    assert found.reason is FailureReason.TOO_MANY_PAGES
    assert "10,000 pages" in found.detail


def test_a_count_that_understates_the_pages_is_checked_on_the_real_tree() -> None:
    found = failure(minimal_pdf(30, declared=1), ParseLimits(max_pages=20))

    assert found.reason is FailureReason.TOO_MANY_PAGES
    assert "30 pages" in found.detail


def test_pages_without_text_are_empty() -> None:
    found = failure(minimal_pdf(2))

    assert found.reason is FailureReason.EMPTY
    assert "OCR" in found.detail


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.95])
def test_a_truncated_pdf_is_broken(keep: float) -> None:
    data = pdf_with_sections(SECTIONS)

    assert failure(data[: int(len(data) * keep)]).reason is FailureReason.BROKEN


def test_a_header_with_garbage_after_it_is_broken() -> None:
    assert failure(b"%PDF-1.7\n" + bytes(range(256)) * 40).reason is FailureReason.BROKEN


def test_a_png_named_pdf_is_mislabelled() -> None:
    found = failure(image("PNG"))

    assert found.reason is FailureReason.MISLABELLED
    assert "PNG image" in found.detail


def test_text_beyond_the_limit_is_too_large() -> None:
    found = failure(pdf_with_sections(SECTIONS), ParseLimits(max_text_chars=500))

    assert found.reason is FailureReason.TOO_LARGE
    assert "500" in found.detail
