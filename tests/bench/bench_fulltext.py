"""Full-text index figures: bulk index rate and search p50/p99, embedded SQLite FTS5 vs the ES-API server.

    python -m tests.bench.bench_fulltext        # from the worktree, with the venv python

COZEPLUS_BENCH_FULLTEXT_DOCS (default 100000) sets the corpus size, COZEPLUS_BENCH_FULLTEXT_QUERIES
(default 300) the number of timed searches. The ES-API run needs COZEPLUS_TEST_ES_URL
(`python scripts/services.py up elasticsearch`); without it only the embedded engine is measured.
Documents mix English and Chinese; queries are 1-3 words with a keyword filter on half of them.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jieba

# Run from any checkout: this tree's src/ before whatever an editable install points at.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from domain.common.fulltext import (
    Document,
    FieldSpec,
    FieldType,
    FullTextIndex,
    Highlight,
    IndexSpec,
    Language,
    SearchRequest,
    Term,
)
from infra.fulltext.elasticsearch import ElasticsearchFullTextIndex
from infra.fulltext.sqlite_fts import SqliteFullTextIndex

BATCH = 1000


def vocabularies(rng: random.Random) -> tuple[list[str], list[str]]:
    """English-like pseudo-words and the 3000 most frequent words of jieba's shipped dictionary."""
    syllables = ["ka", "lo", "ren", "tor", "mi", "sa", "ver", "dun", "pe", "qui", "ston", "al", "ex", "ing"]
    english = sorted({"".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(6000)})[:4000]
    dictionary = Path(jieba.__file__).parent / "dict.txt"
    entries = [line.split() for line in dictionary.read_text(encoding="utf-8").splitlines()]
    chinese = [w for w, freq, *_ in sorted(entries, key=lambda e: -int(e[1])) if len(w) > 1][:3000]
    return english, chinese


_CUMULATIVE: dict[int, list[float]] = {}


def zipf(words: list[str], rng: random.Random, k: int) -> list[str]:
    # Word frequencies in real text fall off roughly as 1/rank.
    cum = _CUMULATIVE.get(len(words))
    if cum is None:
        cum = _CUMULATIVE[len(words)] = list(itertools.accumulate(1 / (r + 1) for r in range(len(words))))
    return rng.choices(words, cum_weights=cum, k=k)


def corpus(n: int, rng: random.Random, en: list[str], zh: list[str]) -> list[Document]:
    t0 = datetime(2024, 1, 1, tzinfo=UTC)
    docs = []
    for i in range(n):
        title = " ".join(zipf(en, rng, 6))
        body = "".join(zipf(zh, rng, 12)) + "，" + " ".join(zipf(en, rng, 20))
        fields = {
            "title": title,
            "body": body,
            "space": f"s{i % 50}",
            "rank": i,
            "created": t0 + timedelta(minutes=i),
        }
        docs.append(Document(f"doc-{i}", fields))  # type: ignore[arg-type]
    return docs


def queries(count: int, rng: random.Random, en: list[str], zh: list[str]) -> list[SearchRequest]:
    out = []
    for i in range(count):
        words = zipf(en[:1000], rng, rng.randint(1, 2)) + zipf(zh[:1000], rng, rng.randint(0, 1))
        flt = Term("space", f"s{rng.randrange(50)}") if i % 2 else None
        out.append(SearchRequest(text=" ".join(words), filter=flt, size=10, highlight=Highlight()))
    return out


async def run(
    name: str, engine: FullTextIndex, docs: list[Document], reqs: list[SearchRequest]
) -> dict[str, float]:
    index = f"bench-{uuid.uuid4().hex[:8]}"
    spec = IndexSpec(
        index,
        (
            FieldSpec("title", FieldType.TEXT, Language.ENGLISH),
            FieldSpec("body", FieldType.TEXT, Language.CHINESE),
            FieldSpec("space", FieldType.KEYWORD),
            FieldSpec("rank", FieldType.INTEGER),
            FieldSpec("created", FieldType.DATE),
        ),
    )
    await engine.create_index(spec)
    try:
        started = time.perf_counter()
        for i in range(0, len(docs), BATCH):
            await engine.upsert(index, docs[i : i + BATCH])
        index_s = time.perf_counter() - started
        for req in reqs[:20]:  # warm caches before timing
            await engine.search(index, req)
        times = []
        totals = 0
        for req in reqs:
            t = time.perf_counter()
            result = await engine.search(index, req)
            times.append((time.perf_counter() - t) * 1000)
            totals += result.total
        times.sort()
        figures = {
            "docs_per_s": len(docs) / index_s,
            "index_s": index_s,
            "p50_ms": statistics.median(times),
            "p99_ms": times[min(len(times) - 1, int(len(times) * 0.99))],
            "mean_hits": totals / len(reqs),
        }
        print(
            f"{name:14} index {len(docs):>7} docs in {index_s:7.1f} s "
            f"= {figures['docs_per_s']:8.0f} docs/s | "
            f"search p50 {figures['p50_ms']:7.2f} ms  p99 {figures['p99_ms']:7.2f} ms  "
            f"(mean total hits {figures['mean_hits']:.0f})",
            flush=True,
        )
        return figures
    finally:
        await engine.drop_index(index)


async def main() -> None:
    n = int(os.environ.get("COZEPLUS_BENCH_FULLTEXT_DOCS", "100000"))
    q = int(os.environ.get("COZEPLUS_BENCH_FULLTEXT_QUERIES", "300"))
    rng = random.Random(7)
    en, zh = vocabularies(rng)
    docs = corpus(n, rng, en, zh)
    reqs = queries(q, rng, en, zh)
    print(f"full-text benchmark: {n} documents (en title + zh/en body), {q} searches, batches of {BATCH}")
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        embedded = SqliteFullTextIndex(Path(tmp) / "fulltext.db")
        await embedded.start()
        try:
            results["sqlite-fts5"] = await run("sqlite-fts5", embedded, docs, reqs)
        finally:
            await embedded.stop()
    url = os.environ.get("COZEPLUS_TEST_ES_URL")
    if url:
        es = ElasticsearchFullTextIndex(url, content_type="plain-json", request_timeout=120)
        await es.start()
        try:
            results["es-api"] = await run("es-api (osmem)", es, docs, reqs)
        finally:
            await es.stop()
    else:
        print("es-api: COZEPLUS_TEST_ES_URL not set, skipped")
    if len(results) == 2:
        a, b = results["sqlite-fts5"], results["es-api"]
        print(
            f"embedded vs es-api: index rate x{a['docs_per_s'] / b['docs_per_s']:.2f}, "
            f"search p50 x{b['p50_ms'] / a['p50_ms']:.2f} faster, p99 x{b['p99_ms'] / a['p99_ms']:.2f} faster"
        )


if __name__ == "__main__":
    asyncio.run(main())
