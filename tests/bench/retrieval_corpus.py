"""The knowledge-retrieval benchmark's data: chunks of mixed English/Chinese text, queries, embeddings.

Words follow Zipf (1/rank) frequencies over the vocabularies of bench_fulltext (English-like
pseudo-words and the most frequent words of jieba's dictionary), so common query words match many
chunks, as real stop-ish words do. Chunks belong to datasets: the one every query searches holds
`n` chunks, a tenth as many again are spread over other datasets the filter must keep out.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from infra.embedding.hashing import HashingEmbeddings
from tests.bench.bench_fulltext import vocabularies, zipf

SEARCHED = "kb-main"
OTHERS = ("kb-a", "kb-b", "kb-c", "kb-d")
DOCUMENTS_PER_DATASET = 200


@dataclass(frozen=True, slots=True)
class Chunk:
    id: str
    dataset: str
    document: str
    text: str


@dataclass(frozen=True, slots=True)
class Query:
    text: str
    vector: list[float]


def chunk_text(rng: random.Random, en: list[str], zh: list[str], words: int) -> str:
    """Alternating English and Chinese sentences: 60 % English words, 40 % Chinese."""
    parts: list[str] = []
    english = round(words * 0.6)
    chinese = words - english
    while english > 0 or chinese > 0:
        take = min(english, 15)
        if take:
            sentence = zipf(en, rng, take)
            parts.append(" ".join(sentence).capitalize() + ".")
            english -= take
        take = min(chinese, 10)
        if take:
            parts.append("".join(zipf(zh, rng, take)) + "。")
            chinese -= take
    return " ".join(parts)


def chunks(n: int, words: int, seed: int = 7) -> list[Chunk]:
    rng = random.Random(seed)
    en, zh = vocabularies(rng)
    out: list[Chunk] = []
    for i in range(n + n // 10):
        dataset = SEARCHED if i < n else OTHERS[i % len(OTHERS)]
        document = f"{dataset}-doc{i % DOCUMENTS_PER_DATASET}"
        out.append(Chunk(f"c{i}", dataset, document, chunk_text(rng, en, zh, words)))
    return out


def query_texts(count: int, seed: int = 11) -> list[str]:
    """3-8 words, each English (60 %) or Chinese, Zipf-drawn like the chunks' words."""
    rng = random.Random(seed)
    en, zh = vocabularies(random.Random(7))
    texts = []
    for _ in range(count):
        size = rng.randint(3, 8)
        picked = [zipf(en, rng, 1)[0] if rng.random() < 0.6 else zipf(zh, rng, 1)[0] for _ in range(size)]
        texts.append(" ".join(picked))
    return texts


def embed(texts: list[str], dimension: int) -> np.ndarray:
    """builtin-hash vectors (float32 rows), the embedded default model's."""
    model = HashingEmbeddings(dimension)
    return np.asarray([model.vector(t) for t in texts], dtype=np.float32)


def queries(count: int, dimension: int) -> list[Query]:
    texts = query_texts(count)
    vectors = embed(texts, dimension)
    return [Query(t, v.tolist()) for t, v in zip(texts, vectors, strict=True)]
