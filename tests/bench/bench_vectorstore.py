"""Vector store figures: upsert rate and search p50/p99, milvus-lite embedded vs a Milvus gRPC server.

    python -m tests.bench.bench_vectorstore

Env: COZEPLUS_BENCH_VECTORS (default 100000), COZEPLUS_BENCH_DIM (384), COZEPLUS_BENCH_QUERIES (200).
The gRPC side uses COZEPLUS_TEST_MILVUS_URI (scripts/services.py up milvus); without it a private
`milvus-lite server` is started on a free port for the run. Both sides go through the same adapter.
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# Run from a checkout: its src/ wins over whatever copy the virtualenv has installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from domain.common.vector_filters import Eq
from domain.common.vectors import CollectionSpec, FieldType, Metric, ScalarField, VectorRecord
from infra.vectorstore.milvus import MilvusVectorStore

N = int(os.environ.get("COZEPLUS_BENCH_VECTORS", "100000"))
DIM = int(os.environ.get("COZEPLUS_BENCH_DIM", "384"))
QUERIES = int(os.environ.get("COZEPLUS_BENCH_QUERIES", "200"))
BATCH = 1000
SPACES = 16
TOP_K = 10


@dataclass
class Figures:
    adapter: str
    upsert_s: float
    flush_s: float
    index_s: float
    plain: list[float]
    filtered: list[float]

    def row(self) -> str:
        def pct(samples: list[float], q: float) -> float:
            return float(np.percentile(samples, q)) * 1000

        return (
            f"| {self.adapter:11} | {N / self.upsert_s:9,.0f} | {self.flush_s:7.1f} | {self.index_s:7.1f} | "
            f"{pct(self.plain, 50):7.1f} | {pct(self.plain, 99):7.1f} | "
            f"{pct(self.filtered, 50):7.1f} | {pct(self.filtered, 99):7.1f} | "
            f"{1 / statistics.fmean(self.plain):6.0f} |"
        )


def unit_rows(rng: np.random.Generator, count: int) -> np.ndarray:
    rows = rng.standard_normal((count, DIM), dtype=np.float32)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    return rows


async def measure(store: MilvusVectorStore) -> Figures:
    await store.start()
    ok, detail = await store.check()
    if not ok:
        raise SystemExit(f"{store.adapter} is not reachable: {detail}")
    spec = CollectionSpec(
        f"bench_{uuid.uuid4().hex[:10]}", DIM, Metric.COSINE, (ScalarField("space", FieldType.INT),)
    )
    await store.create_collection(spec)
    try:
        rng = np.random.default_rng(7)
        started = time.perf_counter()
        for offset in range(0, N, BATCH):
            vectors = unit_rows(rng, min(BATCH, N - offset))
            records = [
                VectorRecord(str(offset + i), row.tolist(), {"space": (offset + i) % SPACES})
                for i, row in enumerate(vectors)
            ]
            await store.upsert(spec.name, records)
        upsert_s = time.perf_counter() - started
        _progress(f"{store.adapter}: {N:,} upserts in {upsert_s:.1f} s, flushing")
        started = time.perf_counter()
        await store.flush(spec.name)
        flush_s = time.perf_counter() - started
        _progress(f"{store.adapter}: flushed in {flush_s:.1f} s, waiting for the index")
        # Index builds run in the background after a flush (searches brute-force meanwhile);
        # a reload returns once every segment is indexed, so the searches below see steady state.
        started = time.perf_counter()
        await store.reload(spec.name)
        index_s = time.perf_counter() - started
        _progress(f"{store.adapter}: indexed in {index_s:.1f} s, searching")
        queries = [row.tolist() for row in unit_rows(np.random.default_rng(11), QUERIES + 10)]
        for query in queries[:10]:  # warm-up: load, caches, first-search index work
            await store.search(spec.name, query, top_k=TOP_K)
        plain, filtered = [], []
        for i, query in enumerate(queries[10:]):
            t0 = time.perf_counter()
            hits = await store.search(spec.name, query, top_k=TOP_K)
            plain.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            await store.search(spec.name, query, top_k=TOP_K, where=Eq("space", i % SPACES))
            filtered.append(time.perf_counter() - t0)
            assert len(hits) == TOP_K
        return Figures(store.adapter, upsert_s, flush_s, index_s, plain, filtered)
    finally:
        await store.drop_collection(spec.name)
        await store.stop()


def _progress(message: str) -> None:
    print(f"  .. {message}", file=sys.stderr, flush=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def grpc_server(workdir: Path) -> AsyncIterator[str]:
    uri = os.environ.get("COZEPLUS_TEST_MILVUS_URI")
    if uri:
        yield uri
        return
    port = _free_port()
    server = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).parent / "milvus-lite"),
        "server",
        "--data-dir",
        str(workdir / "server"),
        "--host",
        "127.0.0.1",
        f"--port={port}",
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(600):
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.close()
                break
            except OSError:
                await asyncio.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        await server.wait()


async def main() -> None:
    print(
        f"vector store: {N:,} x {DIM}-dim COSINE vectors (HNSW M=16 efConstruction=200), batches of {BATCH}"
    )
    print(
        f"{QUERIES} top-{TOP_K} searches each, unfiltered and filtered on space == k (1/{SPACES} of the rows)"
    )
    with tempfile.TemporaryDirectory(prefix="cozeplus-bench-") as tmp:
        workdir = Path(tmp)
        results = [await measure(MilvusVectorStore(str(workdir / "lite" / "milvus.db")))]
        async with grpc_server(workdir) as uri:
            results.append(await measure(MilvusVectorStore(uri)))
    print()
    print("| adapter     | upserts/s | flush s | index s | p50 ms  | p99 ms  | flt p50 | flt p99 | qps    |")
    print("|-------------|-----------|---------|---------|---------|---------|---------|---------|--------|")
    for figures in results:
        print(figures.row())


if __name__ == "__main__":
    asyncio.run(main())
