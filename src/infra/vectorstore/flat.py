"""VectorStore in-process: exact (brute-force) search with numpy over vectors kept in memory.

The embedded default (docs/adr/0052). Records are stored in one SQLite file under a private
directory (flat_db.py); each collection is read into memory on first use, one numpy block per
partition (flat_block.py), and every write goes to both. A search multiplies the query with the
partition's rows, so it costs a few milliseconds per hundred thousand 256-dimensional vectors and
needs no index build; results are exact, not approximate. Hybrid search ranks the collection's text
with SQLite FTS5 BM25 and fuses the two lists here.

One process at a time: the directory is locked while the store is open (use a Milvus server for
several processes). Calls run on a small private thread pool; numpy releases the GIL while it
multiplies, so searches do not hold up the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import functools
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any, TypeVar

from domain.common.vector_filters import Filter, Scalar
from domain.common.vectors import (
    DEFAULT_FUSION,
    CollectionSpec,
    Fusion,
    VectorCapabilities,
    VectorCollectionExists,
    VectorCollectionNotFound,
    VectorHit,
    VectorRecord,
    VectorStoreUnavailable,
    check_collection_name,
    check_id,
    check_query_text,
    check_records,
    check_top_k,
    check_vector,
    hybrid_candidates,
    scope_filter,
)
from infra.privatefs import PRIVATE_FILE, narrow, private_dir, private_file
from infra.vectorstore.flat_block import Block, Mask
from infra.vectorstore.flat_collection import Collection, all_rows, fuse
from infra.vectorstore.flat_db import FlatDatabase

T = TypeVar("T")
DB_FILE = "vectors.db"
LOCK_FILE = "LOCK"


class FlatVectorStore:
    name = "vectorstore"
    adapter = "flat"

    def __init__(self, directory: Path | str, *, threads: int = 4) -> None:
        self.directory = Path(directory).expanduser().resolve()
        self._threads = threads
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.RLock()  # the connection and the in-memory blocks, one caller at a time
        self._db: FlatDatabase | None = None
        self._lock_file: IO[bytes] | None = None
        self._collections: dict[str, Collection] = {}
        self._last_error = ""

    # ------------------------------------------------------------ lifecycle and health

    async def start(self) -> None:
        with contextlib.suppress(VectorStoreUnavailable):  # degraded, not fatal: /readyz says why
            await self._run(self._opened)

    async def stop(self) -> None:
        await self._run(self._close)
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)

    def _close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None
            if self._lock_file is not None:
                self._lock_file.close()  # closing releases the flock
                self._lock_file = None
            self._collections.clear()

    async def check(self) -> tuple[bool, str]:
        started = time.perf_counter()
        try:
            count = await self._run(lambda: len(self._opened()))
        except VectorStoreUnavailable:
            return False, self._last_error
        return True, f"{count} collections, {(time.perf_counter() - started) * 1000:.1f} ms"

    async def capabilities(self) -> VectorCapabilities:
        return VectorCapabilities(hybrid=True)

    def _opened(self) -> dict[str, Collection]:
        """The collections, opening (and locking) the directory first if needed."""
        with self._lock:
            if self._db is None:
                private_dir(self.directory)
                lock_file = private_file(self.directory / LOCK_FILE).open("rb+")
                try:
                    fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError as exc:
                    lock_file.close()
                    self._last_error = (
                        f"cannot open the vector store at {self.directory}: {exc.strerror} "
                        "(is another process using this directory?)"
                    )
                    raise VectorStoreUnavailable(reason=self._last_error) from exc
                db_path = private_file(self.directory / DB_FILE)
                self._db = FlatDatabase(db_path)
                for companion in self.directory.glob(f"{DB_FILE}-*"):  # -wal, -shm
                    narrow(companion, PRIVATE_FILE)
                self._lock_file = lock_file
                self._collections = {
                    name: Collection(cid, spec) for name, (cid, spec) in self._db.collections().items()
                }
            return self._collections

    @property
    def _database(self) -> FlatDatabase:
        assert self._db is not None
        return self._db

    def _collection(self, name: str) -> Collection:
        """The named collection, loaded into memory; call with the lock held."""
        check_collection_name(name)
        found = self._opened().get(name)
        if found is None:
            raise VectorCollectionNotFound(name)
        if not found.loaded:
            for rowid, row in self._database.load(found.cid, found.spec):
                found.put(rowid, row)
            found.loaded = True
        return found

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=self._threads, thread_name_prefix="vectors-flat")
        return await asyncio.get_running_loop().run_in_executor(self._pool, functools.partial(fn, *args))

    async def _locked(self, fn: Callable[..., T], *args: Any) -> T:
        def call() -> T:
            with self._lock:
                return fn(*args)

        return await self._run(call)

    # ------------------------------------------------------------ collections

    async def create_collection(self, spec: CollectionSpec) -> None:
        def create() -> None:
            collections = self._opened()
            if spec.name in collections:
                raise VectorCollectionExists(spec.name)
            collections[spec.name] = Collection(self._database.create(spec), spec, loaded=True)

        await self._locked(create)

    async def drop_collection(self, name: str) -> bool:
        check_collection_name(name)

        def drop() -> bool:
            found = self._opened().pop(name, None)
            if found is None:
                return False
            self._database.drop(found.cid)
            return True

        return await self._locked(drop)

    async def has_collection(self, name: str) -> bool:
        check_collection_name(name)
        return await self._locked(lambda: name in self._opened())

    async def describe_collection(self, name: str) -> CollectionSpec:
        check_collection_name(name)

        def describe() -> CollectionSpec:
            found = self._opened().get(name)
            if found is None:
                raise VectorCollectionNotFound(name)
            return found.spec

        return await self._locked(describe)

    async def flush(self, collection: str) -> None:
        """Writes are durable and searchable when upsert returns; this only checks the name."""
        await self.describe_collection(collection)

    # ------------------------------------------------------------ writes

    async def upsert(self, collection: str, records: Sequence[VectorRecord]) -> int:
        def upsert() -> int:
            found = self._collection(collection)
            rows = check_records(found.spec, records)
            rowids = self._database.upsert(found.cid, found.spec, rows)
            for rowid, row in zip(rowids, rows, strict=True):
                found.put(rowid, row)
            return len(rows)

        return await self._locked(upsert)

    async def delete(self, collection: str, where: Filter, *, partition: Scalar | None = None) -> None:
        def delete() -> None:
            found = self._collection(collection)
            scope_filter(found.spec, where, partition, required=False)  # checks the filter
            doomed = [
                block.id_at(int(at))
                for block, mask in self._matching(found, where, partition)
                for at in mask.nonzero()[0]
            ]
            rowids = [r for r in (found.remove(i) for i in doomed) if r is not None]
            self._database.delete(found.cid, found.spec, rowids)

        await self._locked(delete)

    # ------------------------------------------------------------ reads

    def _matching(
        self, found: Collection, where: Filter | None, partition: Scalar | None
    ) -> list[tuple[Block, Mask]]:
        out = []
        for block in found.scope(partition):
            mask = block.mask(where)
            out.append((block, mask if mask is not None else all_rows(block)))
        return out

    async def count(
        self, collection: str, where: Filter | None = None, *, partition: Scalar | None = None
    ) -> int:
        def count() -> int:
            found = self._collection(collection)
            scope_filter(found.spec, where, partition, required=False)
            return sum(int(mask.sum()) for _, mask in self._matching(found, where, partition))

        return await self._locked(count)

    async def get(self, collection: str, ids: Sequence[str]) -> list[VectorRecord]:
        wanted = [check_id(i) for i in ids]

        def get() -> list[VectorRecord]:
            found = self._collection(collection)
            return self._database.get(found.cid, found.spec, wanted) if wanted else []

        return await self._locked(get)

    async def search(
        self,
        collection: str,
        vector: Sequence[float],
        *,
        top_k: int = 10,
        where: Filter | None = None,
        partition: Scalar | None = None,
    ) -> list[VectorHit]:
        limit = check_top_k(top_k)

        def search() -> list[VectorHit]:
            found = self._collection(collection)
            query = check_vector(found.spec, vector)
            scope_filter(found.spec, where, partition, required=True)
            ranked = self._dense(found, query, limit, where, partition)
            return self._hits(found, ranked)

        return await self._locked(search)

    def _dense(
        self,
        found: Collection,
        query: list[float],
        limit: int,
        where: Filter | None,
        partition: Scalar | None,
    ) -> list[tuple[Block, int, float]]:
        ranked = [
            (block, at, score)
            for block in found.scope(partition)
            for at, score in block.top(query, limit, block.mask(where))
        ]
        ranked.sort(key=lambda hit: -hit[2])
        return ranked[:limit]

    def _hits(self, found: Collection, ranked: list[tuple[Block, int, float]]) -> list[VectorHit]:
        texts: dict[int, str | None] = {}
        if found.spec.has_text and ranked:
            texts = self._database.texts(found.cid, [int(b.rowids[at]) for b, at, _ in ranked])
        return [
            VectorHit(
                id=block.id_at(at),
                score=score,
                fields=block.fields(at),
                text=texts.get(int(block.rowids[at]), "") if found.spec.has_text else None,
            )
            for block, at, score in ranked
        ]

    async def hybrid_search(
        self,
        collection: str,
        vector: Sequence[float],
        text: str,
        *,
        top_k: int = 10,
        where: Filter | None = None,
        partition: Scalar | None = None,
        fusion: Fusion = DEFAULT_FUSION,
    ) -> list[VectorHit]:
        limit = check_top_k(top_k)

        def hybrid() -> list[VectorHit]:
            found = self._collection(collection)
            check_query_text(found.spec, text)
            query = check_vector(found.spec, vector)
            scope_filter(found.spec, where, partition, required=True)
            candidates = hybrid_candidates(limit)
            dense = self._dense(found, query, candidates, where, partition)
            keyword = self._keyword(found, text, candidates, where, partition)
            fused = fuse(found.spec.metric, dense, keyword, fusion)[:limit]
            return self._hits(found, fused)

        return await self._locked(hybrid)

    def _keyword(
        self,
        found: Collection,
        text: str,
        limit: int,
        where: Filter | None,
        partition: Scalar | None,
    ) -> list[tuple[Block, int, float]]:
        allowed = self._matching(found, where, partition)
        out: list[tuple[Block, int, float]] = []
        for rowid, score in self._database.keyword_matches(found.cid, text):
            for block, mask in allowed:
                at = block.slot_of_rowid.get(rowid)
                if at is not None and mask[at]:
                    out.append((block, at, score))
                    break
            if len(out) == limit:
                break
        return out
