"""What the flat store adds to the VectorStore contract: its data outlives the process, one process
holds its directory at a time, and its files are private."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from domain.common.vector_filters import Eq
from domain.common.vectors import (
    CollectionSpec,
    FieldType,
    Metric,
    ScalarField,
    VectorRecord,
    VectorStoreUnavailable,
)
from infra.vectorstore.flat import FlatVectorStore

SPEC = CollectionSpec(
    "chunks",
    4,
    Metric.COSINE,
    (ScalarField("dataset", FieldType.STRING, partition_key=True), ScalarField("n", FieldType.INT)),
    text_max_length=256,
)


async def test_records_survive_a_restart(tmp_path: Path) -> None:
    first = FlatVectorStore(tmp_path / "vectors")
    await first.start()
    await first.create_collection(SPEC)
    await first.upsert(
        "chunks",
        [
            VectorRecord("a", [1, 0, 0, 0], {"dataset": "x", "n": 1}, "alpha words"),
            VectorRecord("b", [0, 1, 0, 0], {"dataset": "x", "n": 2}, "beta words"),
            VectorRecord("c", [1, 0, 0, 0], {"dataset": "y", "n": 3}, "alpha again"),
        ],
    )
    await first.upsert("chunks", [VectorRecord("b", [0, 0, 1, 0], {"dataset": "y", "n": 4}, "moved")])
    await first.delete("chunks", Eq("id", "c"))
    await first.stop()

    again = FlatVectorStore(tmp_path / "vectors")
    await again.start()
    try:
        assert await again.describe_collection("chunks") == SPEC
        assert await again.count("chunks") == 2
        assert [h.id for h in await again.search("chunks", [0, 0, 1, 0], partition="y")] == ["b"]
        hits = await again.search("chunks", [1, 0, 0, 0], partition="x")
        assert [(h.id, h.fields, h.text) for h in hits] == [("a", {"dataset": "x", "n": 1}, "alpha words")]
        fused = await again.hybrid_search("chunks", [0, 1, 0, 0], "alpha", partition="x")
        assert [h.id for h in fused] == ["a"]
    finally:
        await again.stop()


async def test_one_process_at_a_time(tmp_path: Path) -> None:
    holder = FlatVectorStore(tmp_path / "vectors")
    await holder.start()
    other = FlatVectorStore(tmp_path / "vectors")
    await other.start()  # degraded, not fatal
    try:
        ok, detail = await other.check()
        assert not ok
        assert "another process" in detail
        with pytest.raises(VectorStoreUnavailable):
            await other.has_collection("chunks")
    finally:
        await other.stop()
        await holder.stop()
    await other.start()  # free again once the holder stopped
    assert (await other.check())[0]
    await other.stop()


async def test_files_are_private(tmp_path: Path) -> None:
    store = FlatVectorStore(tmp_path / "vectors")
    await store.start()
    await store.create_collection(SPEC)
    await store.stop()
    folder = tmp_path / "vectors"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
