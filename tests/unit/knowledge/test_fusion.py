"""Fusing ranked lists: reciprocal rank fusion and min-max normalised weighted scores."""

from __future__ import annotations

import math
import random
from typing import Any

import pytest

from domain.knowledge.fusion import normalise_scores, reciprocal_rank_fusion, weighted_score_fusion


def test_rrf_scores_are_sums_of_reciprocal_ranks() -> None:
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "d"]], k=60)
    scores = dict(fused)
    assert scores["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert scores["a"] == pytest.approx(1 / 61)
    assert scores["d"] == pytest.approx(1 / 62)
    assert scores["c"] == pytest.approx(1 / 63)
    assert [item for item, _ in fused] == ["b", "a", "d", "c"]


def test_rrf_ties_go_to_the_better_best_rank_then_to_the_smaller_id() -> None:
    # "x" and "y" are both 1st in one list and 2nd in the other: equal scores and best ranks.
    assert [i for i, _ in reciprocal_rank_fusion([["y", "x"], ["x", "y"]])] == ["x", "y"]
    # With k=0: "z1" and "x" score 1/1, "a1" 1/2 + 1/2 = 1 too, but its best rank is only 2.
    fused = reciprocal_rank_fusion([["z1", "a1"], ["x", "a1"]], k=0)
    assert fused == [("x", 1.0), ("z1", 1.0), ("a1", 1.0)]


def test_rrf_is_deterministic_whatever_the_input_order_of_lists() -> None:
    rng = random.Random(7)
    ids = [f"id{i}" for i in range(30)]
    lists = [rng.sample(ids, 12) for _ in range(4)]
    expected = reciprocal_rank_fusion(lists)
    for _ in range(10):
        rng.shuffle(lists)
        assert reciprocal_rank_fusion(lists) == expected


def test_rrf_weights_and_limit() -> None:
    fused = reciprocal_rank_fusion([["a"], ["b"]], weights=[1.0, 2.0])
    assert [i for i, _ in fused] == ["b", "a"]
    assert dict(fused)["b"] == pytest.approx(2 / 61)
    assert reciprocal_rank_fusion([["a", "b", "c"]], limit=2) == reciprocal_rank_fusion([["a", "b", "c"]])[:2]
    assert reciprocal_rank_fusion([["a", "b"]], limit=0) == []
    # A list of weight 0 adds nothing, not even its ids.
    assert [i for i, _ in reciprocal_rank_fusion([["a"], ["zz"]], weights=[1, 0])] == ["a"]


def test_rrf_counts_a_duplicate_once_at_its_better_rank() -> None:
    assert dict(reciprocal_rank_fusion([["a", "b", "a"]])) == pytest.approx({"a": 1 / 61, "b": 1 / 62})


def test_rrf_empty_inputs() -> None:
    assert reciprocal_rank_fusion([]) == []
    assert reciprocal_rank_fusion([[], []]) == []


@pytest.mark.parametrize(
    "kwargs",
    [
        {"k": -1},
        {"weights": [1.0]},
        {"weights": [1.0, -0.5]},
        {"weights": [1.0, math.nan]},
        {"limit": -1},
    ],
)
def test_rrf_refuses_bad_parameters(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        reciprocal_rank_fusion([["a"], ["b"]], **kwargs)


def test_normalise_scores_min_max() -> None:
    assert normalise_scores({"a": 10.0, "b": 5.0, "c": 0.0}) == {"a": 1.0, "b": 0.5, "c": 0.0}
    assert normalise_scores({"a": -2.0, "b": 2.0}) == {"a": 0.0, "b": 1.0}
    assert normalise_scores({"a": 3.0, "b": 3.0}) == {"a": 1.0, "b": 1.0}
    assert normalise_scores({}) == {}
    with pytest.raises(ValueError):
        normalise_scores({"a": math.inf})


def test_weighted_score_fusion_normalises_each_list_before_weighing() -> None:
    vector = {"a": 0.91, "b": 0.90, "c": 0.10}  # cosine similarities
    bm25 = {"c": 42.0, "d": 2.0}  # full-text scores on another scale
    fused = weighted_score_fusion([vector, bm25], weights=[0.7, 0.3])
    scores = dict(fused)
    assert scores["a"] == pytest.approx(0.7)
    assert scores["b"] == pytest.approx(0.7 * 0.8 / 0.81)
    assert scores["c"] == pytest.approx(0.3)
    assert scores["d"] == pytest.approx(0.0)
    assert [i for i, _ in fused] == ["a", "b", "c", "d"]
    assert weighted_score_fusion([vector, bm25], weights=[0.7, 0.3], limit=1) == [("a", pytest.approx(0.7))]
    # Without weights each list counts 1: "c" (last in one list, first in the other) ties "a" at 1.
    assert [i for i, _ in weighted_score_fusion([vector, bm25])] == ["a", "c", "b", "d"]


def test_weighted_score_fusion_ties_by_id_and_checks_weights() -> None:
    assert weighted_score_fusion([{"b": 1.0, "a": 1.0}]) == [("a", 1.0), ("b", 1.0)]
    with pytest.raises(ValueError):
        weighted_score_fusion([{"a": 1.0}], weights=[1.0, 1.0])
