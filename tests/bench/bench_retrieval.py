"""Knowledge retrieval figures: vector, full-text and hybrid (both at once + RRF) p50/p95, one dataset.

    python -m tests.bench.bench_retrieval          # or: python -m tests.bench retrieval

Stacks, each on the same chunks and queries in one run:
  embedded   the defaults: flat vector store + SQLite FTS5 in top-k mode (docs/adr/0052)
  baseline   what the defaults were: milvus-lite + SQLite FTS5 in its exact mode (totals counted)
  servers    Milvus over gRPC (COZEPLUS_TEST_MILVUS_URI) + the ES API (COZEPLUS_TEST_ES_URL), top-k
             mode; skipped when the variables are unset (`source /tmp/services.env` in CI-like shells)

Env: COZEPLUS_BENCH_RETRIEVAL_SIZES (chunks in the searched dataset, default "10000,100000"; a
tenth as many again sit in other datasets), _QUERIES (200 timed queries per stack), _SLOW_QUERIES
(60, for the baseline and servers, whose queries take up to a second), _WORDS (100 per chunk, ~600
characters), _STACKS (default "embedded,baseline,servers").
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

# Run from a checkout: its src/ wins over whatever copy the virtualenv has installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from bootstrap.settings import Settings
from domain.common.fulltext import Document, FieldSpec, FieldType, IndexSpec, Language, SearchRequest, Term
from domain.common.vectors import CollectionSpec, Metric, ScalarField, VectorHit, VectorRecord
from domain.common.vectors import FieldType as VectorFieldType
from infra.fulltext.elasticsearch import ElasticsearchFullTextIndex
from infra.fulltext.sqlite_fts import SqliteFullTextIndex
from infra.vectorstore.flat import FlatVectorStore
from infra.vectorstore.milvus import MilvusVectorStore
from tests.bench import retrieval_corpus as corpus

TOP_K = 10
CANDIDATES = 30  # each side of a hybrid query proposes this many, as the Milvus adapter does
RRF_K = 60
BATCH = 1000
DIMENSION = int(Settings.model_fields["model_hash_dimension"].default)  # builtin-hash's vector length
Vectors = FlatVectorStore | MilvusVectorStore
FullText = SqliteFullTextIndex | ElasticsearchFullTextIndex


def env(name: str, default: str) -> str:
    return os.environ.get(f"COZEPLUS_BENCH_RETRIEVAL_{name}", default)


@dataclass
class Row:
    stack: str
    size: int
    vector_load_s: float
    fulltext_load_s: float
    times: dict[str, list[float]] = field(default_factory=dict)
    load: tuple[float, float] = (0.0, 0.0)

    def cells(self) -> str:
        def pct(kind: str, q: float) -> str:
            return f"{np.percentile(self.times[kind], q) * 1000:8.1f}"

        return (
            f"| {self.stack:41} | {self.size:>7,} | "
            f"{self.vector_load_s:6.0f} | {self.fulltext_load_s:6.0f} | "
            + " | ".join(f"{pct(k, 50)} | {pct(k, 95)}" for k in ("vector", "fulltext", "hybrid"))
            + f" | {len(self.times['hybrid']):>3} | {self.load[0]:4.1f}-{self.load[1]:4.1f} |"
        )


HEADER = (
    "| stack                                     |  chunks | vec ld | ft ld  | vec p50  | vec p95  "
    "| ft p50   | ft p95   | hyb p50  | hyb p95  |   n | load      |\n"
    "|-------------------------------------------|---------|--------|--------|----------|----------"
    "|----------|----------|----------|----------|-----|-----------|"
)


def rrf(*lists: list[str]) -> list[str]:
    """Reciprocal rank fusion of ranked id lists (the knowledge context has its own, domain-side)."""
    scores: dict[str, float] = {}
    for ranked in lists:
        for rank, doc_id in enumerate(ranked, start=1):
            scores[doc_id] = scores.get(doc_id, 0.0) + 1.0 / (RRF_K + rank)
    return sorted(scores, key=lambda d: -scores[d])[:TOP_K]


def progress(message: str) -> None:
    print(f"  .. {message}", file=sys.stderr, flush=True)


async def load_vectors(store: Vectors, chunks: list[corpus.Chunk], vectors: np.ndarray) -> tuple[str, float]:
    spec = CollectionSpec(
        f"bench_{uuid.uuid4().hex[:10]}",
        DIMENSION,
        Metric.COSINE,
        (
            ScalarField("dataset", VectorFieldType.STRING, max_length=64, partition_key=True),
            ScalarField("document", VectorFieldType.STRING, max_length=64),
        ),
    )
    await store.create_collection(spec)
    started = time.perf_counter()
    for offset in range(0, len(chunks), BATCH):
        batch = chunks[offset : offset + BATCH]
        records = [
            VectorRecord(c.id, vectors[offset + i].tolist(), {"dataset": c.dataset, "document": c.document})
            for i, c in enumerate(batch)
        ]
        await store.upsert(spec.name, records)
    await store.flush(spec.name)
    if isinstance(store, MilvusVectorStore):
        await store.reload(spec.name)  # wait for the HNSW build: searches brute-force until then
    return spec.name, time.perf_counter() - started


async def load_fulltext(engine: FullText, chunks: list[corpus.Chunk]) -> tuple[str, float]:
    name = f"bench-{uuid.uuid4().hex[:10]}"
    spec = IndexSpec(
        name,
        (
            FieldSpec("content", FieldType.TEXT, Language.ENGLISH),
            FieldSpec("dataset", FieldType.KEYWORD),
            FieldSpec("document", FieldType.KEYWORD),
        ),
    )
    await engine.create_index(spec)
    started = time.perf_counter()
    for offset in range(0, len(chunks), BATCH):
        docs = [
            Document(c.id, {"content": c.text, "dataset": c.dataset, "document": c.document})
            for c in chunks[offset : offset + BATCH]
        ]
        await engine.upsert(name, docs)
    if isinstance(engine, SqliteFullTextIndex):
        await engine.warm_topk(name)  # otherwise read in the background on the first top-k search
    return name, time.perf_counter() - started


async def measure(
    row: Row,
    store: Vectors,
    collection: str,
    engine: FullText,
    index: str,
    queries: list[corpus.Query],
    exact_total: bool,
) -> Row:
    async def vector(q: corpus.Query, k: int) -> list[VectorHit]:
        return await store.search(collection, q.vector, top_k=k, partition=corpus.SEARCHED)

    async def text(q: corpus.Query, k: int) -> list[str]:
        request = SearchRequest(
            text=q.text, filter=Term("dataset", corpus.SEARCHED), size=k, exact_total=exact_total
        )
        return [h.id for h in (await engine.search(index, request)).hits]

    async def hybrid(q: corpus.Query) -> list[str]:
        dense, words = await asyncio.gather(vector(q, CANDIDATES), text(q, CANDIDATES))
        return rrf([h.id for h in dense], words)

    kinds: dict[str, Callable[[corpus.Query], Awaitable[object]]] = {
        "vector": lambda q: vector(q, TOP_K),
        "fulltext": lambda q: text(q, TOP_K),
        "hybrid": hybrid,
    }
    for q in queries[:10]:  # warm-up: caches, loaded segments, the first top-k search
        await hybrid(q)
    first = os.getloadavg()[0]
    for kind in kinds:
        row.times[kind] = []
    for q in queries[10:]:
        for kind, run in kinds.items():
            t0 = time.perf_counter()
            found = await run(q)
            row.times[kind].append(time.perf_counter() - t0)
            assert found, f"{row.stack}: no {kind} hits for {q.text!r}"
    row.load = (first, os.getloadavg()[0])
    progress(f"{row.stack} @ {row.size:,}: {len(queries) - 10} queries done, load {row.load}")
    return row


async def run_size(size: int, stacks: set[str], workdir: Path) -> list[Row]:
    words = int(env("WORDS", "100"))
    fast, slow = int(env("QUERIES", "200")), int(env("SLOW_QUERIES", "60"))
    started = time.perf_counter()
    chunks = corpus.chunks(size, words)
    vectors = corpus.embed([c.text for c in chunks], DIMENSION)
    queries = corpus.queries(max(fast, slow) + 10, DIMENSION)
    progress(f"{len(chunks):,} chunks embedded in {time.perf_counter() - started:.0f} s")
    rows: list[Row] = []
    if stacks & {"embedded", "baseline"}:
        sqlite = SqliteFullTextIndex(workdir / f"fulltext-{size}.db")
        await sqlite.start()
        index, ft_load = await load_fulltext(sqlite, chunks)
        progress(f"sqlite-fts5: {len(chunks):,} chunks indexed (and mirrored) in {ft_load:.0f} s")
        try:
            for stack, store, exact in (
                ("embedded", FlatVectorStore(workdir / f"flat-{size}"), False),
                ("baseline", MilvusVectorStore(str(workdir / f"lite-{size}" / "milvus.db")), True),
            ):
                if stack not in stacks:
                    continue
                await store.start()
                try:
                    collection, vec_load = await load_vectors(store, chunks, vectors)
                    progress(
                        f"{store.adapter}: {len(chunks):,} vectors stored and indexed in {vec_load:.0f} s"
                    )
                    label = f"{store.adapter} + sqlite-fts5 " + ("exact" if exact else "top-k")
                    row = Row(f"{stack}: {label}", size, vec_load, ft_load)
                    rows.append(
                        await measure(
                            row,
                            store,
                            collection,
                            sqlite,
                            index,
                            queries[: (slow if exact else fast) + 10],
                            exact,
                        )
                    )
                    await store.drop_collection(collection)
                finally:
                    await store.stop()
        finally:
            await sqlite.stop()
    milvus_uri, es_url = os.environ.get("COZEPLUS_TEST_MILVUS_URI"), os.environ.get("COZEPLUS_TEST_ES_URL")
    if "servers" in stacks and milvus_uri and es_url:
        milvus = MilvusVectorStore(milvus_uri)
        es = ElasticsearchFullTextIndex(es_url, content_type="plain-json", request_timeout=300)
        await milvus.start()
        await es.start()
        try:
            index, ft_load = await load_fulltext(es, chunks)
            progress(f"es-api: {len(chunks):,} chunks indexed in {ft_load:.0f} s")
            collection, vec_load = await load_vectors(milvus, chunks, vectors)
            progress(f"milvus-grpc: {len(chunks):,} vectors stored and indexed in {vec_load:.0f} s")
            try:
                row = Row("servers: milvus-grpc + es-api top-k", size, vec_load, ft_load)
                rows.append(await measure(row, milvus, collection, es, index, queries[: slow + 10], False))
            finally:
                await milvus.drop_collection(collection)
                await es.drop_index(index)
        finally:
            await es.stop()
            await milvus.stop()
    elif "servers" in stacks:
        progress("servers: COZEPLUS_TEST_MILVUS_URI / COZEPLUS_TEST_ES_URL not set, skipped")
    return rows


async def run() -> None:
    sizes = [int(s) for s in env("SIZES", "10000,100000").split(",") if s.strip()]
    stacks = {s.strip() for s in env("STACKS", "embedded,baseline,servers").split(",")}
    print(
        f"retrieval: chunks of ~{env('WORDS', '100')} words (60 % English, 40 % Chinese, Zipf), builtin-hash "
        f"{DIMENSION}-dim COSINE, queries of 3-8 words filtered to one dataset, top {TOP_K} "
        f"(hybrid: {CANDIDATES} per side, RRF k={RRF_K}); load average at start {os.getloadavg()[0]:.1f}"
    )
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="cozeplus-bench-retrieval-") as tmp:
        for size in sizes:
            rows += await run_size(size, stacks, Path(tmp))
    print()
    print(
        "times in ms; vec/ft ld = seconds to load (and index) the chunks; "
        "load = load average before and after the timed queries"
    )
    print(HEADER)
    for row in rows:
        print(row.cells())


def main() -> int:
    asyncio.run(run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
