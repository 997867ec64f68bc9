"""Merging the ranked answers of several retrievers (vector search, full-text search, ...) into one.

`reciprocal_rank_fusion` uses ranks only, so scores on different scales (cosine similarity, BM25)
need no calibration; `weighted_score_fusion` keeps how far apart the scores are, after min-max
normalising each list, for callers that trust them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

DEFAULT_RRF_K = 60  # Cormack et al. (2009): damps the weight of the very first ranks


def _check_weights(count: int, weights: Sequence[float] | None) -> Sequence[float]:
    if weights is None:
        return [1.0] * count
    if len(weights) != count:
        raise ValueError(f"{len(weights)} weights for {count} lists")
    if any(not math.isfinite(w) or w < 0 for w in weights):
        raise ValueError("weights must be finite and not negative")
    return weights


def _check_limit(limit: int | None) -> None:
    if limit is not None and limit < 0:
        raise ValueError("limit must not be negative")


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[str]],
    *,
    k: int = DEFAULT_RRF_K,
    weights: Sequence[float] | None = None,
    limit: int | None = None,
) -> list[tuple[str, float]]:
    """Ids by sum over the lists of weight / (k + rank), rank 1-based, best first.

    An id listed twice in one list counts at its better rank; a list of weight 0 is ignored (its ids
    are not added). Ties go to the id with the better best rank in any list, then to the smaller id,
    so the order never depends on dict or set order."""
    if k < 0:
        raise ValueError("k must not be negative")
    _check_limit(limit)
    scores: dict[str, float] = {}
    best: dict[str, int] = {}
    for ranking, weight in zip(rankings, _check_weights(len(rankings), weights), strict=True):
        if weight == 0:
            continue
        seen: set[str] = set()
        for rank, item in enumerate(ranking, start=1):
            if item in seen:
                continue
            seen.add(item)
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
            best[item] = min(best.get(item, rank), rank)
    fused = sorted(scores.items(), key=lambda pair: (-pair[1], best[pair[0]], pair[0]))
    return fused if limit is None else fused[:limit]


def normalise_scores(scores: Mapping[str, float]) -> dict[str, float]:
    """Min-max to [0, 1] (higher is better in and out). When all scores are equal, each is 1: the
    list carries no order, only membership."""
    if any(not math.isfinite(s) for s in scores.values()):
        raise ValueError("scores must be finite")
    if not scores:
        return {}
    low, high = min(scores.values()), max(scores.values())
    if high == low:
        return dict.fromkeys(scores, 1.0)
    span = high - low
    return {item: (score - low) / span for item, score in scores.items()}


def weighted_score_fusion(
    results: Sequence[Mapping[str, float]],
    *,
    weights: Sequence[float] | None = None,
    limit: int | None = None,
) -> list[tuple[str, float]]:
    """Ids by the weighted sum of their normalised scores (0 where a list lacks them), best first;
    ties by id. Scores must be "higher is better": turn distances into similarities first."""
    _check_limit(limit)
    fused: dict[str, float] = {}
    for scores, weight in zip(results, _check_weights(len(results), weights), strict=True):
        if weight == 0:
            continue
        for item, score in normalise_scores(scores).items():
            fused[item] = fused.get(item, 0.0) + weight * score
    ranked = sorted(fused.items(), key=lambda pair: (-pair[1], pair[0]))
    return ranked if limit is None else ranked[:limit]
