"""`builtin-hash`: feature-hashing embeddings -- deterministic, offline, lexical (not semantic).

Each token (lower-cased words; single CJK characters and CJK bigrams, since Chinese has no spaces)
is hashed with BLAKE2b into a bucket and a sign; counts are damped with 1 + log(tf) and the vector
is L2-normalised, so cosine similarity reflects shared words and nothing deeper.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
from collections import Counter
from collections.abc import Sequence

DEFAULT_DIMENSION = 256
_TOKEN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\u3040-\u30ff\uac00-\ud7af]|[^\W_]+", re.UNICODE)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\u3040-\u30ff\uac00-\ud7af]")


def tokens(text: str) -> list[str]:
    found = _TOKEN.findall(text.lower())
    bigrams = [a + b for a, b in itertools.pairwise(found) if _CJK.match(a) and _CJK.match(b)]
    return found + bigrams


class HashingEmbeddings:
    def __init__(self, dimension: int = DEFAULT_DIMENSION) -> None:
        if not 8 <= dimension <= 8192:
            raise ValueError("dimension must be between 8 and 8192")
        self._dimension = dimension

    @property
    def dimension(self) -> int:
        return self._dimension

    def vector(self, text: str) -> list[float]:
        values = [0.0] * self._dimension
        for token, count in Counter(tokens(text)).items():
            digest = hashlib.blake2b(token.encode(), digest_size=8).digest()
            bucket = int.from_bytes(digest[:4], "little") % self._dimension
            sign = 1.0 if digest[4] & 1 else -1.0
            values[bucket] += sign * (1.0 + math.log(count))
        norm = math.sqrt(sum(v * v for v in values))
        return [v / norm for v in values] if norm else values

    async def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        return [self.vector(t) for t in texts]

    async def embed_query(self, text: str) -> list[float]:
        return self.vector(text)
