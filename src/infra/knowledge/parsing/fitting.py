"""Images made small enough to show a model (image captions): decoded at a reduced scale where
the format allows (JPEG draft mode), shrunk to a bounding box, sent on as JPEG."""

from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError

from domain.knowledge.parsed import FailureReason, ParseFailed

_FORMATS = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG"}
_QUALITY = 85
_READ_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, IndexError)


class PillowImageFitter:
    """domain.knowledge.parsed.ImageFitter with Pillow."""

    def fit(self, data: bytes, file_type: str, max_side: int, max_pixels: int) -> bytes:
        pillow_format = _FORMATS.get(file_type)
        if pillow_format is None:
            raise ParseFailed(FailureReason.UNSUPPORTED_TYPE, f"{file_type} is not an image type")
        try:
            with Image.open(io.BytesIO(data), formats=[pillow_format]) as image:
                width, height = image.size
                if width * height > max_pixels:
                    raise ParseFailed(FailureReason.TOO_LARGE, f"the image is {width:,} x {height:,} pixels")
                if pillow_format == "JPEG":
                    image.draft("RGB", (max_side, max_side))  # decodes at 1/2..1/8 scale, >= the box
                image.thumbnail((max_side, max_side))
                flat = _on_white(image)
        except Image.DecompressionBombError as exc:
            raise ParseFailed(FailureReason.TOO_LARGE, f"the image is too large to decode ({exc})") from None
        except _READ_ERRORS as exc:
            raise ParseFailed(FailureReason.BROKEN, f"the image is damaged or truncated ({exc})") from None
        out = io.BytesIO()
        flat.save(out, "JPEG", quality=_QUALITY)
        return out.getvalue()


def _on_white(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")
