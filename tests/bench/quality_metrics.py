"""Ranking metrics, reciprocal rank fusion and the fusion grid for bench_retrieval_quality.

`rrf` is the retrieval service's own fusion (domain/knowledge/fusion.py) over the top `depth` of
each list: sum over lists of weight / (k + rank), ranks from 1.
"""

from __future__ import annotations

import itertools
import random
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from domain.knowledge.fusion import reciprocal_rank_fusion

Ranking = list[str]


@dataclass(frozen=True, slots=True)
class Query:
    id: str
    text: str
    relevant: tuple[str, ...]
    lang: str
    kind: str
    split: str


@dataclass(frozen=True, slots=True)
class Fusion:
    k: int = 60
    depth: int = 50  # candidates taken from each list before fusing
    full_text_weight: float = 0.5  # the other list gets 1 - this; 0.5 is plain (unweighted) RRF

    def label(self) -> str:
        return f"RRF k={self.k}, top {self.depth} each, full-text weight {self.full_text_weight:.1f}"


def rrf(lists: Sequence[Ranking], k: int = 60, depth: int = 50, weights: Sequence[float] = ()) -> Ranking:
    fused = reciprocal_rank_fusion([ranked[:depth] for ranked in lists], k=k, weights=weights or None)
    return [doc_id for doc_id, _ in fused]


def fuse(full_text: Ranking, semantic: Ranking, fusion: Fusion) -> Ranking:
    w = fusion.full_text_weight
    return rrf([full_text, semantic], fusion.k, fusion.depth, (2 * w, 2 * (1 - w)))


def recall_at(ranked: Ranking, relevant: Sequence[str], k: int) -> float:
    return len(set(ranked[:k]) & set(relevant)) / len(relevant)


def reciprocal_rank(ranked: Ranking, relevant: Sequence[str], cutoff: int = 10) -> float:
    for rank, doc_id in enumerate(ranked[:cutoff], start=1):
        if doc_id in relevant:
            return 1.0 / rank
    return 0.0


@dataclass(frozen=True, slots=True)
class Scores:
    n: int
    recall1: float
    recall5: float
    mrr10: float

    def cells(self) -> str:
        return f"{self.recall1:.3f} | {self.recall5:.3f} | {self.mrr10:.3f}"


def score(runs: Mapping[str, Ranking], queries: Sequence[Query]) -> Scores:
    if not queries:
        return Scores(0, 0.0, 0.0, 0.0)
    return Scores(
        len(queries),
        statistics.fmean(recall_at(runs[q.id], q.relevant, 1) for q in queries),
        statistics.fmean(recall_at(runs[q.id], q.relevant, 5) for q in queries),
        statistics.fmean(reciprocal_rank(runs[q.id], q.relevant) for q in queries),
    )


def fused_runs(
    full_text: Mapping[str, Ranking], semantic: Mapping[str, Ranking], fusion: Fusion
) -> dict[str, Ranking]:
    return {qid: fuse(full_text[qid], semantic[qid], fusion) for qid in full_text}


GRID_K = (1, 2, 5, 10, 20, 40, 60, 100)
GRID_DEPTH = (5, 10, 20, 50, 100)
GRID_WEIGHT = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


def objective_mrr(s: Scores) -> float:
    return s.mrr10


def objective_both(s: Scores) -> float:
    """The two figures the issue names, weighted alike."""
    return s.mrr10 + s.recall5


def tune(
    full_text: Mapping[str, Ranking],
    semantic: Mapping[str, Ranking],
    queries: Sequence[Query],
    objective: Callable[[Scores], float] = objective_both,
) -> tuple[Fusion, Scores]:
    """The grid point best on `queries` by `objective`; near ties go to the plainer settings
    (equal weights, then the service's depth 50, then k nearest 60)."""
    best: tuple[tuple[float, ...], Fusion, Scores] | None = None
    for k, depth, weight in itertools.product(GRID_K, GRID_DEPTH, GRID_WEIGHT):
        fusion = Fusion(k, depth, weight)
        result = score(fused_runs(full_text, semantic, fusion), queries)
        key = (round(objective(result), 9), -abs(weight - 0.5), -abs(depth - 50), -abs(k - 60))
        if best is None or key > best[0]:
            best = (key, fusion, result)
    assert best is not None
    return best[1], best[2]


def paired_gap(
    a: Mapping[str, Ranking],
    b: Mapping[str, Ranking],
    queries: Sequence[Query],
    metric: Callable[[Ranking, Sequence[str]], float] = reciprocal_rank,
    resamples: int = 2000,
) -> tuple[float, float, float, int, int]:
    """Mean of metric(a) - metric(b) with a 95% paired-bootstrap interval, and how often a won / lost."""
    gaps = [metric(a[q.id], q.relevant) - metric(b[q.id], q.relevant) for q in queries]
    rng = random.Random(20240601)
    means = sorted(statistics.fmean(rng.choices(gaps, k=len(gaps))) for _ in range(resamples))
    low, high = means[int(0.025 * resamples)], means[int(0.975 * resamples) - 1]
    return statistics.fmean(gaps), low, high, sum(g > 0 for g in gaps), sum(g < 0 for g in gaps)
