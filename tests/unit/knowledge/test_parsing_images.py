"""Image parsing (jpg, jpeg, png): size and format, damage, pixel limits."""

from __future__ import annotations

import pytest

from domain.knowledge.parsed import FailureReason, ParsedImage, ParseFailed, ParseLimits
from infra.knowledge.parsing import FileParser
from tests.unit.knowledge.documents import image, png_header

LIMITS = ParseLimits()


def failure(data: bytes, file_type: str, limits: ParseLimits = LIMITS) -> ParseFailed:
    with pytest.raises(ParseFailed) as caught:
        FileParser().parse(data, file_type, limits)
    return caught.value


@pytest.mark.parametrize(
    ("file_type", "pillow_format", "expected"),
    [("jpg", "JPEG", "jpeg"), ("jpeg", "JPEG", "jpeg"), ("png", "PNG", "png")],
)
def test_size_and_format(file_type: str, pillow_format: str, expected: str) -> None:
    parsed = FileParser().parse(image(pillow_format, (320, 200)), file_type, LIMITS)

    assert parsed == ParsedImage(320, 200, expected)


@pytest.mark.parametrize(("file_type", "pillow_format"), [("png", "PNG"), ("jpg", "JPEG")])
@pytest.mark.parametrize("keep", [0.5, 0.95])
def test_a_truncated_image_is_broken(file_type: str, pillow_format: str, keep: float) -> None:
    data = image(pillow_format)

    assert failure(data[: int(len(data) * keep)], file_type).reason is FailureReason.BROKEN


def test_a_corrupt_png_chunk_is_broken() -> None:
    data = bytearray(image("PNG"))
    data[60] ^= 0xFF  # inside the image data: its checksum no longer matches

    assert failure(bytes(data), "png").reason is FailureReason.BROKEN


@pytest.mark.parametrize(
    ("data", "file_type", "says"),
    [
        (image("JPEG"), "png", "JPEG image"),
        (image("PNG"), "jpg", "PNG image"),
        (image("GIF"), "png", "GIF image"),
        (b"%PDF-1.4 not an image", "jpeg", "PDF document"),
        (b"plain words", "png", "not a PNG image"),
    ],
)
def test_other_bytes_are_mislabelled(data: bytes, file_type: str, says: str) -> None:
    found = failure(data, file_type)

    assert found.reason is FailureReason.MISLABELLED
    assert says in found.detail


def test_pixels_over_the_limit_are_refused_from_the_header() -> None:
    found = failure(image("PNG", (100, 100)), "png", ParseLimits(max_image_pixels=9_999))

    assert found.reason is FailureReason.TOO_LARGE
    assert "100 x 100" in found.detail


def test_a_decompression_bomb_header_is_too_large_without_decoding() -> None:
    # 100,000 x 100,000 pixels claimed by a 60-byte file: nothing may be allocated for them.
    assert failure(png_header(100_000, 100_000), "png").reason is FailureReason.TOO_LARGE
