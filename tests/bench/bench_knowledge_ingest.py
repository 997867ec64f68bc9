"""Ingestion of a 10 MB text document and a 10 MB PDF, end to end to "searchable", with builtin-hash:

    python -m tests.bench.bench_knowledge_ingest        # COZEPLUS_BENCH_MB (default 10)

The whole platform runs in this process on the embedded defaults (SQLite, milvus-lite, FTS5, the
local object store, the in-process event bus): a document is created through the document service
(bytes stored, event in the outbox), the relay and the indexing consumer take it from there, and
the clock stops when the document is ready and a retrieval test finds a phrase from its end.

Baselines in the same run, on the same bytes: parsing alone, chunking alone, embedding alone, and
the stores' own write path (upserts of the same slices with precomputed vectors, batches of 64),
so the pipeline's own overhead is what remains.
"""

from __future__ import annotations

import asyncio
import os
import random
import tempfile
import time
from pathlib import Path

from application.common.actor import Actor
from application.knowledge.inputs import FileInput
from bootstrap.container import build_container
from bootstrap.infrastructure import infrastructure_resources
from bootstrap.logging import configure_logging
from bootstrap.paths import migrations_dir
from bootstrap.runtime import Runtime
from bootstrap.settings import Settings
from crossdomain.knowledge import RetrievalStrategy, SearchMode
from domain.knowledge.chunking import split
from domain.knowledge.entities import DocumentStatus
from domain.knowledge.parsed import FormatType, ParsedText, ParseLimits
from domain.knowledge.ports import IndexedSlice
from domain.knowledge.values import ChunkingStrategy
from infra.embedding.hashing import HashingEmbeddings
from infra.knowledge.parsing import FileParser
from infra.persistence import migrate
from tests.bench.bench_parsing import MB, pdf_file, text_file

BATCH = 64
MARKER = "zebra quartz marker phrase"


def _documents(size: int) -> list[tuple[str, bytes]]:
    chance = random.Random(7)
    text = text_file(size, chance) + f"\n\n{MARKER} at the end of the text.\n".encode()
    return [("handbook.txt", text), ("handbook.pdf", pdf_file(size, chance))]


async def _baselines(name: str, data: bytes, settings: Settings) -> dict[str, float]:
    kind = name.rsplit(".", 1)[1]
    started = time.perf_counter()
    parsed = await asyncio.to_thread(FileParser().parse, data, kind, ParseLimits())
    parse_s = time.perf_counter() - started
    assert isinstance(parsed, ParsedText)
    started = time.perf_counter()
    chunks = split(parsed, ChunkingStrategy())
    chunk_s = time.perf_counter() - started
    model = HashingEmbeddings(settings.model_hash_dimension)
    started = time.perf_counter()
    vectors = [
        v
        for i in range(0, len(chunks), BATCH)
        for v in await model.embed_documents([c.text for c in chunks[i : i + BATCH]])
    ]
    embed_s = time.perf_counter() - started
    container = build_container(settings)
    resources = [container.fulltext.index(), container.vectors.store()]
    runtime = Runtime(container, role="bench", resources=resources)
    await runtime.start()
    try:
        index = container.knowledge.index()
        collection = f"kb_baseline_{kind}"
        await index.ensure(collection, len(vectors[0]))
        started = time.perf_counter()
        for i in range(0, len(chunks), BATCH):
            batch = [
                IndexedSlice(f"b-{j}", 1, 1, chunks[j].text, vectors[j])
                for j in range(i, min(i + BATCH, len(chunks)))
            ]
            await index.write(collection, batch)
        store_s = time.perf_counter() - started
    finally:
        await runtime.stop()
    return {"parse": parse_s, "chunk": chunk_s, "embed": embed_s, "stores": store_s, "slices": len(chunks)}


async def _end_to_end(name: str, data: bytes, settings: Settings) -> tuple[float, int]:
    container = build_container(settings)
    runtime = Runtime(
        container, role="bench", resources=[*infrastructure_resources(container), container.models.seeding()]
    )
    await runtime.start()
    try:
        user = await container.identity.account_service().create_by_admin(
            None, f"{name}@bench.example", "bench pass 12", "", False
        )
        actor = Actor(user.id)
        spaces = await container.identity.space_service().list_for(actor)
        space_id = next(s.id for s in spaces.items if s.type == "personal")
        dataset = (
            await container.knowledge.dataset_service().create(actor, space_id, name, FormatType.TEXT)
        ).dataset
        documents = container.knowledge.document_service()
        started = time.perf_counter()
        (document,) = await documents.create(actor, dataset.id, [FileInput(name, data)])
        while True:
            (current,) = await documents.get_many(actor, [document.id])
            if current.status in (DocumentStatus.READY, DocumentStatus.FAILED):
                break
            await asyncio.sleep(0.05)
        assert current.status is DocumentStatus.READY, current.failure
        query = MARKER if name.endswith(".txt") else "knowledge base documents"
        strategy = RetrievalStrategy(SearchMode.HYBRID, top_k=3)
        found = await container.knowledge.retrieval().test(actor, [dataset.id], query, strategy)
        elapsed = time.perf_counter() - started
        assert found.slices, "nothing searchable"
        if name.endswith(".txt"):
            assert MARKER in found.slices[0].text
        return elapsed, current.slice_count
    finally:
        await runtime.stop()


async def run(size: int) -> None:
    print(f"knowledge ingestion: {size / MB:.0f} MB documents, builtin-hash, embedded defaults", flush=True)
    rows = []
    for name, data in _documents(size):
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(_env_file=None, data_dir=Path(tmp) / "data", access_log=False)  # type: ignore[call-arg]
            await asyncio.to_thread(migrate.upgrade, migrations_dir(), settings.resolved_database_url)
            parts = await _baselines(name, data, settings)
            total, slices = await _end_to_end(name, data, settings)
        rows.append((name, len(data), total, slices, parts))
        print(f"  .. {name}: {total:.1f} s", flush=True)
    print()
    print(
        "| document | MB | to searchable s | slices | slices/s | parse s | chunk s | embed s | stores s "
        "| rest s |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, length, total, slices, p in rows:
        rest = total - p["parse"] - p["chunk"] - p["embed"] - p["stores"]
        print(
            f"| {name} | {length / MB:.1f} | {total:.1f} | {slices} | {slices / total:,.0f} "
            f"| {p['parse']:.1f} | "
            f"{p['chunk']:.2f} | {p['embed']:.2f} | {p['stores']:.1f} | {rest:.1f} |"
        )


def main() -> int:
    configure_logging("warning")
    asyncio.run(run(int(float(os.environ.get("COZEPLUS_BENCH_MB", "10")) * MB)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
