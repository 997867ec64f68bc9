"""Retrieval quality: recall@1, recall@5 and MRR@10 of full-text, semantic and hybrid search.

    python -m tests.bench.bench_retrieval_quality        # from the worktree, with the venv python

The labelled set is tests/bench/data/retrieval_quality/ (its build.py says where the text comes
from). Passages go through the real adapters: the embedded full-text index (SQLite FTS5, jieba) and
the vector store on an embedded milvus-lite file (HNSW, cosine), embedded by builtin-hash and, when
the `local` extra is installed, by all-MiniLM-L6-v2. Hybrid is reciprocal rank fusion of the two
lists (quality_metrics.rrf). Queries are split in halves: fusion settings are tuned on `tune` and
reported on `held_out` too.

Env: COZEPLUS_BENCH_QUALITY_MODELS (default "builtin-hash,all-minilm-l6-v2"),
COZEPLUS_BENCH_QUALITY_DEPTH (default 100: candidates fetched from each list per query),
COZEPLUS_BENCH_QUALITY_DUMP (a path: write every ranking there as JSON).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# Run from any checkout: this tree's src/ before whatever an editable install points at.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from application.knowledge.retrieval import CANDIDATES, SEMANTIC_FUSION
from domain.common.fulltext import Document, FieldSpec, FieldType, IndexSpec, SearchRequest
from domain.common.vectors import CollectionSpec, Metric, VectorRecord
from infra.embedding.hashing import DEFAULT_DIMENSION, HashingEmbeddings
from infra.fulltext.sqlite_fts import SqliteFullTextIndex
from infra.vectorstore.milvus import MilvusVectorStore
from tests.bench.quality_metrics import (
    Fusion,
    Query,
    Ranking,
    fused_runs,
    objective_both,
    objective_mrr,
    paired_gap,
    score,
    tune,
)

DATA = Path(__file__).resolve().parent / "data" / "retrieval_quality"
MODELS = os.environ.get("COZEPLUS_BENCH_QUALITY_MODELS", "builtin-hash,all-minilm-l6-v2").split(",")
DEPTH = int(os.environ.get("COZEPLUS_BENCH_QUALITY_DEPTH", "100"))
# What application/knowledge/retrieval.py uses with a semantic model (its weights, as a share).
SERVICE_DEFAULT = Fusion(
    k=SEMANTIC_FUSION.k,
    depth=CANDIDATES,
    full_text_weight=SEMANTIC_FUSION.full_text / (SEMANTIC_FUSION.semantic + SEMANTIC_FUSION.full_text),
)
BATCH = 500
Runs = dict[str, Ranking]


def _progress(message: str) -> None:
    print(f"  .. {message}", file=sys.stderr, flush=True)


def load() -> tuple[list[dict[str, str]], list[Query]]:
    lines = (DATA / "passages.jsonl").read_text(encoding="utf-8").splitlines()
    passages = [json.loads(line) for line in lines]
    queries = [
        Query(r["id"], r["text"], tuple(r["relevant"]), r["lang"], r["kind"], r["split"])
        for r in map(json.loads, (DATA / "queries.jsonl").read_text(encoding="utf-8").splitlines())
    ]
    return passages, queries


async def full_text_runs(passages: list[dict[str, str]], queries: list[Query], folder: Path) -> Runs:
    index = SqliteFullTextIndex(folder / "fulltext.db")
    await index.start()
    try:
        # As the knowledge slice index declares it: one analysed text field.
        await index.create_index(IndexSpec("slices", (FieldSpec("text", FieldType.TEXT),)))
        started = time.perf_counter()
        for i in range(0, len(passages), BATCH):
            batch = passages[i : i + BATCH]
            await index.upsert("slices", [Document(p["id"], {"text": p["text"]}) for p in batch])
        _progress(f"full-text: {len(passages)} passages indexed in {time.perf_counter() - started:.1f} s")
        runs = {}
        for q in queries:
            result = await index.search("slices", SearchRequest(text=q.text, fields=("text",), size=DEPTH))
            runs[q.id] = [h.id for h in result.hits]
        return runs
    finally:
        await index.stop()


def embedding_model(name: str) -> Any | None:
    if name == "builtin-hash":
        return HashingEmbeddings(DEFAULT_DIMENSION)
    try:
        from infra.embedding.local import LocalSentenceEmbeddings

        model = LocalSentenceEmbeddings(name)
        import sentence_transformers  # noqa: F401  (the extra, not only the weights' package)
    except Exception as exc:
        _progress(f"{name}: skipped ({exc})")
        return None
    return model


async def semantic_runs(
    name: str, model: Any, passages: list[dict[str, str]], queries: list[Query], store: MilvusVectorStore
) -> Runs:
    started = time.perf_counter()
    vectors = await model.embed_documents([p["text"] for p in passages])
    embedded = time.perf_counter() - started
    collection = "quality_" + name.replace("-", "_")
    await store.create_collection(CollectionSpec(collection, len(vectors[0]), Metric.COSINE))
    started = time.perf_counter()
    for i in range(0, len(passages), BATCH):
        chunk = zip(passages[i : i + BATCH], vectors[i : i + BATCH], strict=True)
        records = [VectorRecord(p["id"], v) for p, v in chunk]
        await store.upsert(collection, records)
    await store.flush(collection)
    await store.reload(collection)  # wait for the HNSW index, so searches run on it
    _progress(
        f"{name}: {len(passages)} passages embedded in {embedded:.1f} s, "
        f"stored and indexed in {time.perf_counter() - started:.1f} s"
    )
    started = time.perf_counter()
    # One batch for all queries (embed_query per query gives the same vectors, one model call each).
    query_vectors = await model.embed_documents([q.text for q in queries])
    runs = {}
    for q, vector in zip(queries, query_vectors, strict=True):
        hits = await store.search(collection, vector, top_k=DEPTH)
        runs[q.id] = [h.id for h in hits]
    _progress(f"{name}: {len(queries)} queries in {time.perf_counter() - started:.1f} s")
    return runs


def halves(queries: Sequence[Query]) -> dict[str, list[Query]]:
    return {
        "tune": [q for q in queries if q.split == "tune"],
        "held_out": [q for q in queries if q.split == "held_out"],
        "all": list(queries),
    }


def table(variants: dict[str, Runs], queries: Sequence[Query]) -> None:
    parts = halves(queries)
    sizes = ", ".join(f"{k} {len(v)}" for k, v in parts.items())
    print(f"\nrecall@1 | recall@5 | MRR@10 per half ({sizes} queries):\n")
    print("| variant | tune R@1 | R@5 | MRR | held-out R@1 | R@5 | MRR | all R@1 | R@5 | MRR |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for label, runs in variants.items():
        print(f"| {label} | " + " | ".join(score(runs, qs).cells() for qs in parts.values()) + " |")


def breakdown(variants: dict[str, Runs], queries: Sequence[Query]) -> None:
    groups = sorted({(q.lang, q.kind) for q in queries})
    print("\nrecall@5 / MRR@10 by language and query kind (all queries):\n")
    heads = [
        f"{lang} {kind} ({sum(q.lang == lang and q.kind == kind for q in queries)})" for lang, kind in groups
    ]
    print("| variant | " + " | ".join(heads) + " |")
    print("|---" * (len(groups) + 1) + "|")
    for label, runs in variants.items():
        cells = []
        for lang, kind in groups:
            s = score(runs, [q for q in queries if q.lang == lang and q.kind == kind])
            cells.append(f"{s.recall5:.3f} / {s.mrr10:.3f}")
        print(f"| {label} | " + " | ".join(cells) + " |")


def verdicts(full_text: Runs, semantic: Runs, hybrid: Runs, name: str, queries: Sequence[Query]) -> None:
    for half in ("tune", "held_out"):
        qs = halves(queries)[half]
        h, f, s = score(hybrid, qs), score(full_text, qs), score(semantic, qs)
        beats = h.recall5 > max(f.recall5, s.recall5) and h.mrr10 > max(f.mrr10, s.mrr10)
        best_label, best = ("full-text", full_text) if f.mrr10 >= s.mrr10 else (f"semantic({name})", semantic)
        mean, low, high, won, lost = paired_gap(hybrid, best, qs)
        print(
            f"- {half}: {'beats both' if beats else 'does NOT beat both'} (R@5 {h.recall5:.3f} vs "
            f"{f.recall5:.3f} / {s.recall5:.3f}, MRR {h.mrr10:.3f} vs {f.mrr10:.3f} / {s.mrr10:.3f}); "
            f"MRR gap to {best_label} {mean:+.3f}, 95% CI {low:+.3f}..{high:+.3f}, "
            f"better on {won} and worse on {lost} queries"
        )


def sensitivity(full_text: Runs, semantic: Runs, name: str, queries: Sequence[Query], at: Fusion) -> None:
    tune_qs, held = halves(queries)["tune"], halves(queries)["held_out"]

    def cell(fusion: Fusion) -> str:
        runs = fused_runs(full_text, semantic, fusion)
        return f"{score(runs, tune_qs).mrr10:.3f} / {score(runs, held).mrr10:.3f}"

    ks = (1, 5, 10, 20, 60)
    print(f"\nfull-text + {name}: MRR@10 tune / held-out, equal weights, by k and depth:\n")
    print("| depth | " + " | ".join(f"k={k}" for k in ks) + " |")
    print("|---" * (len(ks) + 1) + "|")
    for depth in (10, 20, 50, 100):
        print(f"| {depth} | " + " | ".join(cell(Fusion(k, depth, 0.5)) for k in ks) + " |")
    weights = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
    print(f"\nby full-text weight at k={at.k}, depth {at.depth}:\n")
    print("| " + " | ".join(f"w={w}" for w in weights) + " |")
    print("|---" * len(weights) + "|")
    print("| " + " | ".join(cell(Fusion(at.k, at.depth, w)) for w in weights) + " |")


async def run() -> int:
    passages, queries = load()
    print(f"{len(passages)} passages, {len(queries)} queries; load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="cozeplus-quality-") as tmp:
        folder = Path(tmp)
        full_text = await full_text_runs(passages, queries, folder)
        store = MilvusVectorStore(str(folder / "vectors.db"))
        await store.start()
        semantic: dict[str, Runs] = {}
        try:
            for name in (m.strip() for m in MODELS):
                model = embedding_model(name)
                if model is not None:
                    semantic[name] = await semantic_runs(name, model, passages, queries, store)
        finally:
            await store.stop()
    if dump := os.environ.get("COZEPLUS_BENCH_QUALITY_DUMP"):  # the rankings, for analysis elsewhere
        with open(dump, "w", encoding="utf-8") as out:  # noqa: ASYNC230 (once, after all the work)
            json.dump({"full_text": full_text, "semantic": semantic}, out)
    tuning = halves(queries)["tune"]
    variants: dict[str, Runs] = {"full-text (FTS5 BM25)": full_text}
    variants |= {f"semantic({name})": runs for name, runs in semantic.items()}
    picks: dict[str, list[tuple[str, Fusion, Runs]]] = {name: [] for name in semantic}
    print(f"\nservice default fusion: {SERVICE_DEFAULT.label()}")
    for name, runs in semantic.items():
        variants[f"hybrid(full-text + {name}), {SERVICE_DEFAULT.label()} (service default)"] = fused_runs(
            full_text, runs, SERVICE_DEFAULT
        )
        for goal, objective in (("MRR@10", objective_mrr), ("MRR@10 + R@5", objective_both)):
            fusion, _ = tune(full_text, runs, tuning, objective)
            print(f"{name}, best on the tune half for {goal}: {fusion.label()}")
            fused = fused_runs(full_text, runs, fusion)
            variants[
                f"hybrid(full-text + {name}), k={fusion.k} top {fusion.depth} w={fusion.full_text_weight}"
            ] = fused
            picks[name].append((goal, fusion, fused))
    table(variants, queries)
    breakdown(variants, queries)
    for name, runs in semantic.items():
        sensitivity(full_text, runs, name, queries, picks[name][-1][1])
    print(
        "\nDoes hybrid beat both lists alone? Paired over the same queries; the MRR gap is to the better one."
    )
    for name, runs in semantic.items():
        print(f"\n{name}, service default ({SERVICE_DEFAULT.label()}):")
        verdicts(full_text, runs, fused_runs(full_text, runs, SERVICE_DEFAULT), name, queries)
        for goal, fusion, tuned in picks[name]:
            print(f"{name}, tuned on the tune half for {goal} ({fusion.label()}):")
            verdicts(full_text, runs, tuned, name, queries)
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}")
    return 0


def main() -> int:
    return asyncio.run(run())


if __name__ == "__main__":
    raise SystemExit(main())
