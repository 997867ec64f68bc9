"""The flat store's collections in memory: one block per partition, and hybrid fusion.

A collection's blocks hold its rows by partition-key value (one block when it has no partition key),
so a search scoped to a partition reads that block alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from domain.common.vector_filters import Scalar
from domain.common.vectors import CollectionSpec, Fusion, Metric, Rrf
from infra.vectorstore.flat_block import Block, Mask

Ranked = list[tuple[Block, int, float]]  # (block, row, score), best first


@dataclass
class Collection:
    cid: int
    spec: CollectionSpec
    blocks: dict[Scalar | None, Block] = field(default_factory=dict)
    partition_of: dict[str, Scalar | None] = field(default_factory=dict)  # id -> its block's key
    loaded: bool = False

    def key(self, row: dict[str, object]) -> Scalar | None:
        part = self.spec.partition_key
        return None if part is None else row[part.name]  # type: ignore[return-value]

    def block(self, key: Scalar | None) -> Block:
        found = self.blocks.get(key)
        if found is None:
            found = self.blocks[key] = Block(self.spec)
        return found

    def put(self, rowid: int, row: dict[str, object]) -> None:
        record_id, key = str(row["id"]), self.key(row)
        previous = self.partition_of.get(record_id, key)
        if previous != key:  # the record moved to another partition
            self.blocks[previous].remove(record_id)
        self.block(key).put(rowid, row)
        self.partition_of[record_id] = key

    def remove(self, record_id: str) -> int | None:
        key = self.partition_of.pop(record_id, None)
        block = self.blocks.get(key)
        return None if block is None else block.remove(record_id)

    def scope(self, partition: Scalar | None) -> list[Block]:
        """The blocks a call restricted to `partition` (or to none) reads."""
        if self.spec.partition_key is None or partition is None:
            return list(self.blocks.values())
        block = self.blocks.get(partition)
        return [] if block is None else [block]


def all_rows(block: Block) -> Mask:
    return np.ones(block.size, dtype=np.bool_)


def fuse(
    metric: Metric,
    dense: Ranked,
    keyword: Ranked,
    fusion: Fusion,
) -> Ranked:
    """Reciprocal rank fusion, or a weighted sum of scores normalised to 0..1 the way Milvus does."""
    total: dict[tuple[int, int], float] = {}
    where: dict[tuple[int, int], tuple[Block, int]] = {}
    for side, hits in enumerate((dense, keyword)):
        for rank, (block, at, score) in enumerate(hits, start=1):
            key = (id(block), at)
            where[key] = (block, at)
            if isinstance(fusion, Rrf):
                gain = 1.0 / (fusion.k + rank)
            elif side == 0:
                gain = fusion.dense * _normalised(metric, score)
            else:
                gain = fusion.sparse * 2 / math.pi * math.atan(score)
            total[key] = total.get(key, 0.0) + gain
    ordered = sorted(total.items(), key=lambda item: -item[1])
    return [(*where[key], score) for key, score in ordered]


def _normalised(metric: Metric, score: float) -> float:
    if metric is Metric.COSINE:
        return (1 + score) / 2
    if metric is Metric.IP:
        return 0.5 + math.atan(score) / math.pi
    return 1 - 2 * math.atan(math.sqrt(max(0.0, -score))) / math.pi  # score is -(squared distance)
