"""Images (.jpg, .jpeg, .png) with Pillow: the format checked against the extension, the size
read from the header and held to max_image_pixels before anything is decoded, then the file
checked whole (PNG chunk checksums; a JPEG decoded at an eighth of its size, which is cheap and
still reads every byte)."""

from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError

from domain.knowledge.parsed import FailureReason, ParsedImage, ParseFailed, ParseLimits
from infra.knowledge.parsing.signatures import JPEG, PNG, require

_FORMATS = {"jpg": ("JPEG", JPEG), "jpeg": ("JPEG", JPEG), "png": ("PNG", PNG)}
_DRAFT_SCALE = 8
_READ_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, IndexError)


def parse_image(data: bytes, limits: ParseLimits, file_type: str) -> ParsedImage:
    pillow_format, signature = _FORMATS[file_type]
    require(data, signature, file_type)
    try:
        with Image.open(io.BytesIO(data), formats=[pillow_format]) as image:
            width, height = image.size
            _check_pixels(width, height, limits)
            image.verify()
        if pillow_format == "JPEG":
            with Image.open(io.BytesIO(data), formats=[pillow_format]) as image:
                image.draft("RGB", (max(width // _DRAFT_SCALE, 1), max(height // _DRAFT_SCALE, 1)))
                image.load()
    except Image.DecompressionBombError as exc:
        raise ParseFailed(FailureReason.TOO_LARGE, f"the image is too large to decode ({exc})") from None
    except _READ_ERRORS as exc:
        raise ParseFailed(FailureReason.BROKEN, f"the image is damaged or truncated ({exc})") from None
    if not width or not height:
        raise ParseFailed(FailureReason.EMPTY, "the image has no pixels")
    return ParsedImage(width, height, pillow_format.lower())


def _check_pixels(width: int, height: int, limits: ParseLimits) -> None:
    if width * height > limits.max_image_pixels:
        raise ParseFailed(
            FailureReason.TOO_LARGE,
            f"the image is {width:,} x {height:,} pixels, more than the limit of {limits.max_image_pixels:,}",
        )
