"""The gRPC adapter through a Milvus restart: degraded while down, working again after, no data lost."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from domain.common.errors import Unavailable
from domain.common.vectors import CollectionSpec, VectorRecord
from infra.vectorstore.milvus import MilvusVectorStore
from tests.support.milvus import milvus_lite_server, wait_until
from tests.support.processes import free_port


async def test_server_restart_is_survived(tmp_path: Path) -> None:
    port, data = free_port(), tmp_path / "milvus"
    store = MilvusVectorStore(f"http://127.0.0.1:{port}", timeout_s=5.0)
    spec = CollectionSpec(f"ft_{uuid.uuid4().hex[:10]}", 4)

    async def healthy() -> bool:
        return (await store.check())[0]

    try:
        async with milvus_lite_server(port, data):
            assert await wait_until(healthy)
            await store.start()
            await store.create_collection(spec)
            await store.upsert(spec.name, [VectorRecord("a", [1, 0, 0, 0]), VectorRecord("b", [0, 1, 0, 0])])
            await store.flush(spec.name)

        ok, detail = await store.check()
        assert not ok
        assert detail
        with pytest.raises(Unavailable):
            await store.search(spec.name, [1, 0, 0, 0])

        async with milvus_lite_server(port, data):
            assert await wait_until(healthy)
            hits = await store.search(spec.name, [1, 0, 0, 0], top_k=2)
            assert [h.id for h in hits] == ["a", "b"]
    finally:
        await store.stop()
