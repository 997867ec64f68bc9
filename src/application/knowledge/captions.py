"""Image captions from a vision-capable chat model (docs/adr/0060).

The image goes to the model downscaled (at most MAX_SIDE pixels on its longer side, as JPEG) in a
data URL on one user message. No such model configured -> None, and the caller leaves the image
uncaptioned; a failing model raises its ModelError -- an empty answer too -- so nothing but a real
answer ever becomes a caption.
"""

from __future__ import annotations

import asyncio
import base64

from crossdomain.modelmgr import VisionModelCatalog
from domain.common.llm import ChatMessage, ChatRequest, ModelBadResponse, ModelRuntime, Role, collect
from domain.knowledge.parsed import ImageFitter, ParseLimits

MAX_SIDE = 1024  # pixels: what vision models read in detail without tiling into many pieces
MAX_CAPTION = 2000  # a document's caption column
PROMPT = (
    "Write a caption for this image for a searchable knowledge base: say in one to three plain "
    "sentences what it shows, including any readable text in it. Answer with the caption only, in "
    "the language of the text in the image, or English when it has none."
)


class ImageCaptioner:
    def __init__(
        self, runtime: ModelRuntime, vision: VisionModelCatalog, fitter: ImageFitter, limits: ParseLimits
    ) -> None:
        self._runtime, self._vision, self._fitter, self._limits = runtime, vision, fitter, limits

    async def available(self) -> bool:
        return await self._vision.find_vision() is not None

    async def caption(self, data: bytes, file_type: str) -> str | None:
        """The model's caption of the image; None when no chat model takes images."""
        choice = await self._vision.find_vision()
        if choice is None:
            return None
        small = await asyncio.to_thread(
            self._fitter.fit, data, file_type, MAX_SIDE, self._limits.max_image_pixels
        )
        url = "data:image/jpeg;base64," + base64.b64encode(small).decode("ascii")
        model = await self._runtime.chat_model(choice.id)
        request = ChatRequest([ChatMessage(Role.USER, PROMPT, images=(url,))])
        answer = " ".join((await collect(model, request, choice.id)).text.split())
        if not answer:
            raise ModelBadResponse(reason="the model answered with an empty caption")
        return answer[:MAX_CAPTION]
